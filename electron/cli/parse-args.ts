/**
 * util.parseArgs for commands, with its errors turned into USAGE errors (exit 2, and a message
 * that names the bad flag) and `--help` handled the same way by every command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FiotError } from '../../shared/errors';
import { closestName } from '../../shared/did-you-mean';
import type { CliIO } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes and readable messages.
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '.') : String(error);
    throw new FiotError('USAGE', message, unknownFlagHint(error, Object.keys(options)));
  }
}

/**
 * Words people type for a flag that has another name here, from other tools or plain speech: a
 * spelling guess would miss them (`--ip` is nearest to `--ip-prefix`, but means the address).
 */
const FLAG_SYNONYMS: Record<string, string> = {
  ip: 'static-ip',
  'ip-address': 'static-ip',
  address: 'static-ip',
  netmask: 'ip-prefix',
  router: 'gateway',
  password: 'password-hash',
  ssid: 'wifi-ssid',
  psk: 'wifi-psk-file',
  'wifi-password': 'wifi-psk-file',
  key: 'ssh-key',
  device: 'drive',
  disk: 'drive',
  target: 'drive',
};

/** The flag a mistyped or misremembered one most likely meant, among `names`, or null. */
function meantFlag(typed: string, names: string[]): string | null {
  const synonym = FLAG_SYNONYMS[typed.toLowerCase()];
  if (synonym && names.includes(synonym)) return synonym;
  return closestName(typed, names);
}

/** For a flag the command does not take: the one it most likely meant, and where to see them all. */
function unknownFlagHint(error: unknown, names: string[]): string | undefined {
  if ((error as { code?: string }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const typed = /'--([^'=]+)'/.exec((error as Error).message)?.[1];
  const meant = typed === undefined ? null : meantFlag(typed, names);
  return `${meant ? `Did you mean --${meant}? ` : ''}Run the command with --help to see what it takes.`;
}

/** Prints a command's help when asked; true means the command should stop there (exit 0). */
export function printHelpIfAsked(values: { help?: unknown }, help: string, io: CliIO): boolean {
  if (!values.help) return false;
  io.stdout.write(help.trim() + '\n');
  return true;
}

export function usageError(message: string): FiotError {
  return new FiotError('USAGE', message, 'Run the command with --help to see what it takes.');
}
