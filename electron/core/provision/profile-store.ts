/**
 * Named profiles on disk: one exported-profile file per name under <configDir>/profiles, the same
 * format `profiles:export` hands out, so a saved profile and a shared file are interchangeable.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FiotError } from '../../../shared/errors';
import { checkProfile, exportProfileText, savedProfileSchema, type Profile, type SavedProfile } from '../../../shared/provisioning';

/** A file name for a profile name: readable, and equal for names that differ only in case. */
export function profileFileName(name: string): string {
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'profile';
  let hash = 0;
  for (const char of name.trim().toLowerCase()) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${slug}-${hash.toString(36)}.json`;
}

export function parseProfileText(text: string, source: string): SavedProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FiotError('INVALID_INPUT', `${source}: not valid JSON (${(error as Error).message}).`);
  }
  const parsed = savedProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FiotError('INVALID_INPUT', `${source}: ${issue?.path.join('.') || 'profile'}: ${issue?.message ?? 'invalid'}`, 'Import first-boot settings exported by this app.');
  }
  const { problems } = checkProfile(parsed.data.profile);
  if (problems.length) throw new FiotError('INVALID_INPUT', `${source}: profile.${problems[0]!.message}`);
  return parsed.data;
}

export class ProfileStore {
  private readonly dir: string;

  constructor(configDir: string) {
    this.dir = path.join(configDir, 'profiles');
  }

  async list(): Promise<SavedProfile[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const profiles: SavedProfile[] = [];
    for (const file of names.filter((n) => n.endsWith('.json'))) {
      // A damaged file is skipped rather than hiding every other profile.
      const text = await readFile(path.join(this.dir, file), 'utf8').catch(() => null);
      if (text === null) continue;
      try {
        profiles.push(parseProfileText(text, file));
      } catch {
        continue;
      }
    }
    return profiles.sort((a, b) => a.name.localeCompare(b.name));
  }

  async save(name: string, profile: Profile): Promise<SavedProfile> {
    const { problems } = checkProfile(profile);
    if (problems.length) throw new FiotError('INVALID_INPUT', problems.map((p) => p.message).join('; '));
    const saved: SavedProfile = { format: 'fiot-profile/1', name: name.trim(), profile, savedAt: new Date().toISOString() };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.dir, profileFileName(name));
    // Write then rename: a crash mid-save never leaves half a profile. The temp name is new each
    // time and created afresh (O_EXCL), so a file or link planted under a known name is never written through.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, exportProfileText(saved), { mode: 0o600, flag: 'wx' });
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
    }
    return saved;
  }

  async get(name: string): Promise<SavedProfile> {
    const text = await readFile(path.join(this.dir, profileFileName(name)), 'utf8').catch(() => null);
    if (text === null) throw new FiotError('NOT_FOUND', `There are no saved first-boot settings named “${name}”.`);
    return parseProfileText(text, name);
  }

  async delete(name: string): Promise<boolean> {
    const file = path.join(this.dir, profileFileName(name));
    const existed = await readFile(file).then(() => true, () => false);
    await rm(file, { force: true });
    return existed;
  }

  async import(text: string): Promise<SavedProfile> {
    const imported = parseProfileText(text, 'imported profile');
    return this.save(imported.name, imported.profile);
  }
}
