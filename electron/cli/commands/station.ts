/** `fiot-flash station [--port N] [--listen ADDR] [--images DIR] [--fetch-local]`: the app in a browser tab, behind a token. */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { refuseInternalUrl } from '../../core/access/public-address';
import { createCore } from '../../core/app-core';
import { loadConfig } from '../../core/config';
import { isLoopback, servedAddresses } from '../../station/addresses';
import { certificateFolder, stationCertificate } from '../../core/station-certificate';
import { startStation } from '../../station/server';
import { EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { glossary } from '../../../shared/glossary';
import { foldedParagraph } from '../help-text';

const help = `
Usage: fiot-flash station [--port N] [--listen ADDR] [--images DIR] [--fetch-local]

${foldedParagraph(glossary.station.line)}

Serves the app to a browser: open the URL it prints (it carries a secret token; anything
without the token is refused, and so is any request naming a host other than the station's
own address or localhost). Stop it with Ctrl-C.

  --port N        the port to listen on (default: a free one)
  --listen ADDR   the address to listen on (default 127.0.0.1, this machine only). Any other
                  address lets other machines on the network write cards here: the station then
                  serves HTTPS only, with a self-signed certificate whose SHA-256 fingerprint it
                  prints (check it against the browser's before accepting the certificate).
  --images DIR    the folder whose images the browser may write, where it may create image
                  files, and where images uploaded from the browser are saved (default: the
                  folder uploads in the image cache). The image cache's own images are offered
                  too. No other file on this machine can be named from the browser.
  --fetch-local   let the browser download images and SSH keys from this machine's own
                  addresses (a mirror served on the station itself). Without it, a URL given in
                  the browser that names this machine (127.0.0.1, localhost, its own addresses)
                  or a link-local address is refused, redirects included.
`;

/**
 * The station's images folder: the one asked for, which must exist; else `uploads` in the image
 * cache, a folder of its own because the cache's other folders are named by content hashes.
 */
function imagesFolder(asked: string | undefined, cacheDir: string): string {
  if (asked === undefined) {
    const uploads = path.join(cacheDir, 'uploads');
    mkdirSync(uploads, { recursive: true });
    return uploads;
  }
  const folder = path.resolve(asked);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw usageError(`--images ${asked}: there is no folder there. Create it, or leave --images out.`);
  return folder;
}

/**
 * Said at start when the images tree (FIOT_IOT_IMAGES_URL) is served on this machine and the
 * station was not told to fetch from it: every catalog image the browser picks would be refused.
 */
async function warnLocalMirror(iotImagesUrl: string, warn: (line: string) => void): Promise<void> {
  const local = await refuseInternalUrl(iotImagesUrl).then(() => false, () => true);
  if (local) warn(`Note: your mirror ${iotImagesUrl} (FIOT_IOT_IMAGES_URL) is on this machine: the browser cannot download from it unless the station is started with --fetch-local.`);
}

export const command: Command = {
  summary: 'Serve the app to a browser, behind a token',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { port: { type: 'string' }, listen: { type: 'string' }, images: { type: 'string' }, 'fetch-local': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw usageError('--port takes a port number from 0 to 65535.');
    const listen = values.listen ?? '127.0.0.1';
    const config = loadConfig();
    const images = imagesFolder(values.images, config.cacheDir);
    const core = createCore(config, { imageFolders: [images], station: true, publicFetchesOnly: !values['fetch-local'] });
    // Off this machine the token would cross the network: never in clear text.
    const tls = isLoopback(listen) ? undefined : await stationCertificate(core.config.configDir, servedAddresses(listen));
    const station = await startStation({ core, port, listen, ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}) });
    if (tls) {
      io.warn(`WARNING: listening on ${listen}: anyone on that network who has the URL can write cards on this machine.`);
      io.warn(`WARNING: HTTPS with a self-signed certificate (${certificateFolder(core.config.configDir)}). Accept it in the browser only if it shows this SHA-256 fingerprint:`);
      io.warn(`  ${tls.fingerprint}`);
    }
    // Listen for the stop signal before saying "ready": a supervisor may send it at once.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    io.say(`Station ready: ${station.url}`);
    io.say(`Images offered to the browser: ${core.grants.imageFolders.join(', ')}`);
    io.say(`Images uploaded from the browser are saved in: ${images}`);
    if (!values['fetch-local']) await warnLocalMirror(config.iotImagesUrl, (line) => io.warn(line));
    io.emit({ type: 'ready', url: station.url, port: station.port, ...(tls ? { fingerprint: tls.fingerprint } : {}) });
    await stopped;
    await station.close();
    io.say('Station stopped.');
    io.result(true);
    return EXIT_OK;
  },
};
