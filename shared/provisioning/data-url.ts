/**
 * Ignition file contents travel as RFC 2397 data URLs. Percent-encoding every reserved character
 * keeps `#`, `%`, `?` and newlines in a file from being read as URL syntax.
 */
export function toDataUrl(text: string): string {
  return `data:,${encodeURIComponent(text)}`;
}

/** The text of a `data:,` URL we generated (or a base64 one), or null for anything else. */
export function fromDataUrl(url: string): string | null {
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (!match) return null;
  const [, meta = '', body = ''] = match;
  if (meta.endsWith(';base64')) {
    const binary = atob(body);
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  }
  return decodeURIComponent(body);
}
