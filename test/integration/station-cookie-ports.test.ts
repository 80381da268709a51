/**
 * Issue 18, item 6: the station's cookie held its token, and cookies ignore ports, so a page on
 * any other port of the same host received the token. Now the page's own script carries the token
 * (socket URL, upload header) and the cookie holds only a pass to the app's files. The attack as
 * written: a real station process, Debian's Chromium opening it, then a page on another local port
 * that records the Cookie header the browser sends it, and that cookie tried against the station.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromiumSkipReason, launchBrowser, type TestBrowser } from '../helpers/browser';
import { openConnection, untilClosed } from '../helpers/hostile-clients';
import { stationAnswers } from '../helpers/station-client';
import { spawnStation, type StationProcess } from '../helpers/station-process';
import { putUpload } from '../helpers/upload-client';

/** A WebSocket handshake for /api carrying only a Cookie header, as a local process replaying a stolen cookie would send. */
async function upgradeWithCookie(port: number, cookie: string): Promise<string> {
  const socket = await openConnection(port);
  const closed = untilClosed(socket);
  socket.write([`GET /api HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', `Cookie: ${cookie}`, '', ''].join('\r\n'));
  return closed;
}

describe('the station\'s cookie, seen by a page on another port of the same host', { skip: chromiumSkipReason() ?? false }, () => {
  let station: StationProcess;
  let browser: TestBrowser;
  let other: http.Server;
  let otherPort = 0;
  const cookiesSeen: string[] = [];

  before(async () => {
    station = await spawnStation();
    other = http.createServer((req, res) => {
      cookiesSeen.push(req.headers.cookie ?? '');
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>another local service</p>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherPort = (other.address() as AddressInfo).port;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    other?.closeAllConnections();
    await new Promise((resolve) => other?.close(resolve));
    assert.equal(await station?.stop(), 0);
  });

  it('carries no token, and what it carries opens neither the API nor an upload', async () => {
    const page = await browser.context.newPage();
    await page.goto(station.url);
    // The app's page is up (its scripts and styles came with the cookie).
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.goto(`http://127.0.0.1:${otherPort}/`);
    await page.close();

    const seen = cookiesSeen.join('; ');
    assert.match(seen, new RegExp(`fiot_station_${station.port}=`), 'the browser does send the station\'s cookie to the other port');
    assert.ok(!seen.includes(station.token), 'but the token is not in it');

    const stolen = seen.split(/;\s*/).find((part) => part.startsWith(`fiot_station_${station.port}=`))!;
    const refused = await upgradeWithCookie(station.port, stolen);
    assert.match(refused, /^HTTP\/1\.1 401/, 'the cookie opens no socket');
    const upload = await putUpload({ name: 'stolen.raw', port: station.port, token: null, cookie: stolen, contentLength: 1024 });
    assert.equal(upload.status, 401, 'nor an upload');
    assert.match(upload.body, /needs its token/);
    // What it does open: the app's own files, which hold no secret.
    assert.equal((await fetch(`http://127.0.0.1:${station.port}/`, { headers: { cookie: stolen } })).status, 200);
    assert.equal(await stationAnswers(station.port, station.token), true);
  });
});
