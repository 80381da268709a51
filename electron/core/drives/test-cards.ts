/**
 * Stand-in card readers for tests: loop devices whose backing file lies in one folder are listed
 * as removable cards. drivelist lists no loop devices, and no real card reader exists here, so this
 * is how a test makes a card "appear" (losetup) and "disappear" (losetup -d). Only the folder the
 * test names counts, so the loop devices of anything else on the machine are never listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Drive } from '../../../shared/domain/drive';
import { listAllDrives, type DriveLister } from './list-drives';
import { readLoopDrive } from './loop-device';

function backingFileOf(sysBlock: string): string | null {
  try {
    return readFileSync(path.join(sysBlock, 'loop', 'backing_file'), 'utf8').trim();
  } catch {
    return null;
  }
}

export function listTestCards(cardDir: string, sysRoot = '/sys'): Drive[] {
  const folder = path.resolve(cardDir);
  const cards: Drive[] = [];
  for (const name of readdirSync(path.join(sysRoot, 'block')).filter((n) => /^loop\d+$/.test(n))) {
    const backingFile = backingFileOf(path.join(sysRoot, 'block', name));
    if (!backingFile || path.dirname(backingFile) !== folder) continue;
    try {
      cards.push({ ...readLoopDrive(`/dev/${name}`), description: `Test card ${path.basename(backingFile)}`, isRemovable: true });
    } catch {
      // Detached between the two reads: the card was just pulled out.
    }
  }
  return cards.sort((a, b) => a.device.localeCompare(b.device, undefined, { numeric: true }));
}

/**
 * Every drive, plus the test's stand-in cards when `testCardDir` (FIOT_TEST_CARD_DIR) names their
 * folder: the one listing the app, the station, the card bench and every CLI command share, so
 * `fiot-flash drives` lists what `flash --drive` is offered, under the same names.
 */
export function driveListerFor({ testCardDir }: { testCardDir?: string }): DriveLister {
  if (!testCardDir) return listAllDrives;
  return async () => [...(await listAllDrives()), ...listTestCards(testCardDir)];
}

/**
 * How a named target is resolved beside that listing: a stand-in card is then the card the listing
 * names (its description included), not an anonymous loop device. Without the folder, nothing
 * changes (a loop device is never looked up in drivelist's listing, which does not hold it).
 */
export function targetDepsFor(config: { testCardDir?: string }): { listAll?: DriveLister } {
  return config.testCardDir ? { listAll: driveListerFor(config) } : {};
}
