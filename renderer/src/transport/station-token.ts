/**
 * The station's token, as the page's own script finds it: in the page's URL (`?token=`), where the
 * person's link put it. The script hands it to the socket and to uploads itself; the station never
 * puts it in a cookie, which pages on other ports of the same host would receive.
 */
export function stationToken(search = window.location.search): string | null {
  return new URLSearchParams(search).get('token');
}
