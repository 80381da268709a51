/**
 * The files an Ignition config writes, as a person reads them. Ignition carries each file as a
 * data: URL, percent-encoded (`%5Bconnection%5D%0Aid%3D…`): exact, but unreadable on screen. The
 * config that is written keeps that form; only the preview decodes it.
 */
import { fromDataUrl } from '../../../../shared/provisioning';

export interface ReadableFile {
  path: string;
  /** Unix permissions in octal (0600), when the config sets them. */
  mode: string | null;
  /** The file's text, or null when it is fetched from elsewhere (an https source) or is not text. */
  text: string | null;
  /** Where the file comes from when it is not carried in the config. */
  source: string | null;
}

interface FileEntry {
  path?: unknown;
  mode?: unknown;
  contents?: { source?: unknown };
}

const modeText = (mode: unknown) => (typeof mode === 'number' ? `0${mode.toString(8)}` : null);

/** The files of a config already masked for the screen (so secrets stay masked); [] for text that is not a config. */
export function readableFiles(maskedConfigText: string): ReadableFile[] {
  let files: unknown;
  try {
    files = (JSON.parse(maskedConfigText) as { storage?: { files?: unknown } }).storage?.files;
  } catch {
    return [];
  }
  if (!Array.isArray(files)) return [];
  return (files as FileEntry[]).filter((file) => typeof file.path === 'string').map((file) => {
    const source = typeof file.contents?.source === 'string' ? file.contents.source : '';
    const text = source.startsWith('data:') ? safeDecode(source) : null;
    return { path: file.path as string, mode: modeText(file.mode), text, source: text === null && source ? source : null };
  });
}

function safeDecode(url: string): string | null {
  try {
    return fromDataUrl(url);
  } catch {
    // A malformed escape: the JSON below still shows the file exactly.
    return null;
  }
}
