/** A separate process appending history entries as fast as it can, for the concurrency test. */
import { appendEntries } from '../../../electron/core/history';
import { sampleEntry } from './sample-entry';

const [configDir, worker, count] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) {
  // Two cards per append, like a two-card run, so whole jobs must stay together too.
  await appendEntries(configDir!, [1, 2].map((card) => sampleEntry({ jobId: `${worker}-${i}`, card })), { rotateAtBytes: Infinity });
}
