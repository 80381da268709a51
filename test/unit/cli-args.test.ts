/** Argument mistakes are USAGE errors (exit 2) whose message names what to fix; nothing runs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { command as drives } from '../../electron/cli/commands/drives';
import { command as flash } from '../../electron/cli/commands/flash';
import { command as station } from '../../electron/cli/commands/station';
import type { Command } from '../../electron/cli/command';
import { captureIO } from '../helpers/cli-io';

async function usageError(cmd: Command, argv: string[]): Promise<string> {
  const { io } = captureIO(false);
  try {
    await cmd.run(argv, io);
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'USAGE', `${argv.join(' ')}: ${(error as Error).message}`);
    return (error as Error).message;
  }
  assert.fail(`${argv.join(' ')} should be a usage error`);
}

describe('CLI argument errors', () => {
  it('drives: an unknown flag, a value for a switch', async () => {
    assert.match(await usageError(drives, ['--bogus']), /Unknown option '--bogus'/);
    assert.match(await usageError(drives, ['--all=yes']), /--all/);
    assert.match(await usageError(drives, ['extra']), /extra/);
  });

  it('station: a port that is not a number or out of range, an unknown flag', async () => {
    assert.match(await usageError(station, ['--port', 'http']), /--port takes a port number/);
    assert.match(await usageError(station, ['--port', '70000']), /--port takes a port number/);
    assert.match(await usageError(station, ['--port']), /--port/);
    assert.match(await usageError(station, ['--public']), /--public/);
  });

  it('flash: no source, no drive, two sources, a bad checksum or counter', async () => {
    assert.match(await usageError(flash, ['--drive', '/dev/sdb']), /Name the image to write/);
    assert.match(await usageError(flash, ['image.raw.xz']), /--drive/);
    assert.match(await usageError(flash, ['a.raw', 'b.raw', '--drive', '/dev/sdb']), /Give one image to write; got 2/);
    assert.match(await usageError(flash, ['a.raw', '--drive', '/dev/sdb', '--sha256', 'xyz']), /64 hexadecimal digits/);
    assert.match(await usageError(flash, ['a.raw', '--drive', '/dev/sdb', '--counter-start', 'twelve']), /--counter-start takes a whole number/);
    assert.match(await usageError(flash, ['a.raw', '--drive', '/dev/sdb', '--verify=no']), /--verify/);
  });

  it('--help prints the command’s usage and runs nothing', async () => {
    for (const [name, cmd] of [['drives', drives], ['flash', flash], ['station', station]] as const) {
      const captured = captureIO(false);
      assert.equal(await cmd.run(['--help'], captured.io), 0);
      assert.match(captured.stdout(), new RegExp(`^Usage: fiot-flash ${name}`));
    }
  });
});
