/**
 * Run by closing-server.test.ts in its own process: an undici crash there is uncatchable and would
 * take the test runner down with it. Prints one JSON line: what arrived, or the error.
 *   late URL WAIT_MS       httpGet, the body not read until WAIT_MS later (a small body then sits whole in
 *                          undici's buffer, its parser paused, when the server's FIN arrives)
 *   busy URL WAIT_MS       httpGet, the reader busy for WAIT_MS after the first piece
 *   download URL PART      the download loop into PART
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { httpGet } from '../../../electron/core/images/download/http-get';
import { download } from '../../../electron/core/images/download/download';

const [mode, url, arg] = process.argv.slice(2);

async function main(): Promise<object> {
  if (mode === 'late' || mode === 'busy') {
    const response = await httpGet(url!, {});
    if (mode === 'late') await new Promise((resolve) => setTimeout(resolve, Number(arg)));
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        // A reader busy elsewhere after its first piece (a disk, a card) while the rest arrives.
        if (mode === 'busy' && bytes === 0) await new Promise((resolve) => setTimeout(resolve, Number(arg)));
        hash.update(chunk);
        bytes += chunk.length;
      }
    } catch (error) {
      return { bytes, error: (error as Error).message };
    }
    return { bytes, sha256: hash.digest('hex') };
  }
  const outcome = await download({ urls: [url!], partPath: arg!, backoffMs: 10 });
  return { bytes: outcome.bytes, sha256: createHash('sha256').update(readFileSync(arg!)).digest('hex') };
}

main().then(
  (result) => console.log(JSON.stringify(result)),
  (error: Error) => console.log(JSON.stringify({ error: error.message })),
);
