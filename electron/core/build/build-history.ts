/**
 * The capped list of builds (newest first) kept in configDir/build-history.json, so the UI and
 * `fiot-flash build` can show what was built, when, from which digest, and where the image went.
 * Written atomically (temp file + rename): a crash never leaves half a file behind.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { buildRecordSchema, type BuildRecord } from '../../../shared/domain/build';

export const BUILD_HISTORY_LIMIT = 50;

export class BuildHistory {
  readonly file: string;

  constructor(configDir: string, private readonly limit = BUILD_HISTORY_LIMIT) {
    this.file = path.join(configDir, 'build-history.json');
  }

  list(): BuildRecord[] {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    // A damaged history file is not worth failing a build over: start a new one.
    const parsed = z.array(buildRecordSchema).safeParse(safeJson(raw));
    return parsed.success ? parsed.data : [];
  }

  /** Inserts or replaces the record with the same id, keeping the newest `limit` records. */
  put(record: BuildRecord): void {
    const others = this.list().filter((r) => r.id !== record.id);
    const next = [record, ...others].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, this.limit);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    renameSync(temp, this.file);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
