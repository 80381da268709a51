/**
 * The partition tables a person's tools find on a card: wipefs (every signature libblkid knows,
 * including a lone backup GPT header at the end), blkid's low-level probe and sfdisk. A card the
 * writer did not finish must show none of them; a finished one, the image's and nothing else.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { flipByte } from './card-check';

export interface Signature {
  offset: number;
  type: string;
}

/** What `wipefs -n` lists on the device (it only reads). */
export function tableSignatures(device: string): Signature[] {
  const out = execFileSync('wipefs', ['-n', '-J', device], { encoding: 'utf8' }).trim();
  if (!out) return [];
  const parsed = JSON.parse(out) as { signatures: Array<{ offset: string; type: string }> };
  return parsed.signatures.map((s) => ({ offset: Number(s.offset), type: s.type }));
}

/** Whether sfdisk reads a partition table, and whether blkid's probe reports one. */
export function tableTools(device: string): { sfdisk: boolean; blkid: boolean } {
  const sfdisk = spawnSync('sfdisk', ['-d', device], { encoding: 'utf8' }).status === 0;
  const blkid = spawnSync('blkid', ['-p', device], { encoding: 'utf8' }).stdout.includes('PTTYPE=');
  return { sfdisk, blkid };
}

/** A GPT disk the size of the whole device, as a card that held a larger disk before: backup header at its end. */
export function writeOldGpt(device: string): void {
  execFileSync('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', device], { input: 'label: gpt\nstart=2048, type=L\n' });
}

/** Flips one byte of the loop device's backing file and drops the device's caches: the card changed underneath. */
export function flipByteUnderneath(backingFile: string, device: string, offset: number): void {
  flipByte(backingFile, offset);
  execFileSync('blockdev', ['--flushbufs', device]);
}
