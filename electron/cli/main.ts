/**
 * fiot-flash: the same core as the app, from a terminal. Each command lives in commands/<name>.ts
 * and exports `run(argv, io)`; commands load lazily so `fiot-flash --help` starts fast.
 * Exit status: 0 only when everything asked for succeeded, 2 for a usage error, 1 otherwise.
 */
import { readFileSync } from 'node:fs';
import { FiotError, toErrorInfo } from '../../shared/errors';
import { appPath } from '../core/app-paths';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command } from './command';
import { closestName } from '../../shared/did-you-mean';
import { createIO } from './io';

type Loader = () => Promise<{ command: Command }>;

const commands: Record<string, Loader> = {
  bench: () => import('./commands/bench'),
  boards: () => import('./commands/boards'),
  backup: () => import('./commands/backup'),
  build: () => import('./commands/build'),
  cache: () => import('./commands/cache'),
  catalog: () => import('./commands/catalog'),
  download: () => import('./commands/download'),
  drives: () => import('./commands/drives'),
  flash: () => import('./commands/flash'),
  history: () => import('./commands/history'),
  ignition: () => import('./commands/ignition'),
  provision: () => import('./commands/provision'),
  restore: () => import('./commands/restore'),
  station: () => import('./commands/station'),
};

/** The app's version, from its package.json. */
function version(): string {
  return (JSON.parse(readFileSync(appPath('package.json'), 'utf8')) as { version: string }).version;
}

async function usage(): Promise<string> {
  const lines = ['Usage: fiot-flash <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const { command } = await load();
    lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  lines.push('', 'Run `fiot-flash <command> --help` for a command’s options, `fiot-flash --version` for the version.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // `fiot-flash boards | head` closes our stdout early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    throw error;
  });
  const [name, ...rest] = argv;
  const io = createIO(rest.includes('--json'));
  // `fiot-flash help flash` is `fiot-flash flash --help`, as git and npm read it.
  if (name === 'help' && rest[0] && commands[rest[0]]) return main([rest[0], '--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await usage()) + '\n');
    return name ? EXIT_OK : EXIT_USAGE;
  }
  // -v is --version here, as in node and most tools: fiot-flash has no verbose mode to confuse it with.
  if (name === '--version' || name === '-V' || name === '-v' || name === 'version') {
    if (io.json) io.result(true, { version: version() });
    else io.say(`fiot-flash ${version()}`);
    return EXIT_OK;
  }
  const load = commands[name];
  if (!load) {
    const meant = closestName(name.replace(/^-+/, ''), Object.keys(commands));
    io.result(false, {}, { code: 'USAGE', message: `Unknown command “${name}”.`, hint: `${meant ? `Did you mean fiot-flash ${meant}? ` : ''}Run fiot-flash --help to list the commands.` });
    if (!io.json) process.stderr.write((await usage()) + '\n');
    return EXIT_USAGE;
  }
  try {
    const { command } = await load();
    return await command.run(rest, io);
  } catch (error) {
    const info = toErrorInfo(error);
    io.result(false, {}, info);
    return error instanceof FiotError && error.code === 'USAGE' ? EXIT_USAGE : EXIT_FAILURE;
  }
}
