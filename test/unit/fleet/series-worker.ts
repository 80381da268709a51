/** A separate process taking hostname numbers one at a time, for the two-process series test. */
import { SeriesStore } from '../../../electron/core/provision/series-store';

const [configDir, count] = process.argv.slice(2);
const store = new SeriesStore(configDir!);
const taken: number[] = [];
for (let i = 0; i < Number(count); i++) taken.push(await store.take('sensor-{n:03}', 1));
process.stdout.write(JSON.stringify(taken));
