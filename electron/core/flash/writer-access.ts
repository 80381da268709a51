/**
 * How the writer gets at the targets. Image files, and a core already running as root, need
 * nothing. On Linux the drives are opened through UDisks2 (polkit asks about each device) and
 * their descriptors handed to an unprivileged writer, so no root process runs at all; only where
 * UDisks2 is absent does pkexec start an elevated writer, and that one never holds a file.
 * The core opens the drives, not the writer: a refused or dismissed prompt is known before any
 * writer starts, and the writer stays a stdio-only process with no bus to talk to.
 */
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { openWithUdisks, type DeviceOpener } from '../drives/udisks';
import { currentHost, writerCommand, type WriterCommand, type WriterHost } from './writer-command';

export interface WriterAccessDeps {
  writerCommand?: (needsPrivilege: boolean) => WriterCommand;
  /** Whether this process is root, on which platform; the running machine unless a test says otherwise. */
  writerHost?: WriterHost;
  openDevices?: DeviceOpener;
}

export interface WriterAccess {
  command: WriterCommand;
  /** Descriptors of drives opened for the writer, by device: passed to it as extra stdio. */
  descriptors: Map<string, number>;
}

export async function writerAccess(drives: Drive[], deps: WriterAccessDeps): Promise<WriterAccess> {
  const host = deps.writerHost ?? currentHost();
  const command = deps.writerCommand ?? ((needsPrivilege: boolean) => writerCommand(needsPrivilege, host));
  const devices = drives.filter((drive) => drive.kind !== 'file').map((drive) => drive.device);
  if (devices.length > 0 && !host.root && host.platform === 'linux') {
    const descriptors = await (deps.openDevices ?? openWithUdisks)(devices);
    if (descriptors) return { command: command(false), descriptors };
  }
  const chosen = command(devices.length > 0);
  // One writer per job: a root writer never holds a file, so a mixed batch must be split by the person.
  if (chosen.elevated && devices.length < drives.length) {
    throw new FiotError('INVALID_INPUT', 'Drives and image files cannot be written in one run here: drives need administrator rights, and image files are never written with them.', 'Write the drives and the image files in two separate runs.');
  }
  return { command: chosen, descriptors: new Map() };
}
