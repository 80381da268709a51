/**
 * Linux without root: UDisks2 opens a block device for us after polkit asks the person about
 * exactly that device (Fedora Media Writer's way), and hands back a file descriptor the
 * unprivileged writer writes through. The one module that speaks D-Bus. Client: dbus-next, the
 * pure-JavaScript D-Bus library that can receive unix file descriptors (through usocket's
 * SCM_RIGHTS support); Node itself cannot.
 */
import { constants, closeSync } from 'node:fs';
import dbus from 'dbus-next';
import { FiotError } from '../../../shared/errors';

const UDISKS = 'org.freedesktop.UDisks2';
const ROOT_PATH = '/org/freedesktop/UDisks2';
const MANAGER_PATH = `${ROOT_PATH}/Manager`;

/** Opens each device for writing: its descriptor by device path, or null where UDisks2 is not on the system bus. */
export type DeviceOpener = (devices: string[]) => Promise<Map<string, number> | null>;

type ManagedObjects = Record<string, Record<string, Record<string, dbus.Variant>>>;
type Options = Record<string, dbus.Variant>;

/** The few UDisks2 methods used here, as dbus-next's proxies expose them. */
interface ObjectManager extends dbus.ClientInterface {
  GetManagedObjects(): Promise<ManagedObjects>;
}
interface Manager extends dbus.ClientInterface {
  ResolveDevice(devspec: Options, options: Options): Promise<string[]>;
}
interface Filesystem extends dbus.ClientInterface {
  Unmount(options: Options): Promise<void>;
}
interface Block extends dbus.ClientInterface {
  OpenDevice(mode: string, options: Options): Promise<number>;
}

async function proxy<T extends dbus.ClientInterface>(bus: dbus.MessageBus, path: string, name: string): Promise<T> {
  return (await bus.getProxyObject(UDISKS, path)).getInterface<T>(name);
}

/** No system bus, or no udisksd on it: the caller falls back to asking for root. */
function udisksAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') return true;
  return error instanceof dbus.DBusError && /^org\.freedesktop\.DBus\.Error\.(ServiceUnknown|NameHasNoOwner|Spawn)/.test(error.type);
}

function udisksRefusal(error: unknown, device: string): FiotError {
  if (error instanceof FiotError) return error;
  const type = error instanceof dbus.DBusError ? error.type : '';
  const text = error instanceof dbus.DBusError ? error.text : (error as Error).message;
  if (/NotAuthorized/.test(type)) return new FiotError('PERMISSION_DENIED', `Permission to write ${device} was not given.`);
  if (/DeviceBusy|Busy/.test(type) || /busy/i.test(text)) return new FiotError('TARGET_BUSY', `${device} is in use: ${text}`);
  return new FiotError('WRITE_FAILED', `UDisks2 could not open ${device}: ${text}`);
}

/** The bus's connection errors arrive as events: turn them into a rejection of whatever is awaited. */
function failOnBusError(bus: dbus.MessageBus): Promise<never> {
  return new Promise((_, reject) => bus.on('error', reject));
}

async function session(run: (bus: dbus.MessageBus) => Promise<Map<string, number>>): Promise<Map<string, number> | null> {
  const bus = dbus.systemBus({ negotiateUnixFd: true });
  const broken = failOnBusError(bus);
  broken.catch(() => undefined);
  try {
    return await Promise.race([run(bus), broken]);
  } catch (error) {
    if (udisksAbsent(error)) return null;
    throw error;
  } finally {
    bus.disconnect();
  }
}

/** Unmounts every filesystem on the drive (itself or its partitions): O_EXCL refuses a drive in use. */
async function unmountFilesystems(bus: dbus.MessageBus, objects: ManagedObjects, drivePath: string): Promise<void> {
  for (const [path, interfaces] of Object.entries(objects)) {
    const onDrive = path === drivePath || interfaces[`${UDISKS}.Partition`]?.Table?.value === drivePath;
    const mountPoints = (interfaces[`${UDISKS}.Filesystem`]?.MountPoints?.value ?? []) as unknown[];
    if (!onDrive || mountPoints.length === 0) continue;
    await (await proxy<Filesystem>(bus, path, `${UDISKS}.Filesystem`)).Unmount({});
  }
}

async function openOne(bus: dbus.MessageBus, objects: ManagedObjects, device: string): Promise<number> {
  const manager = await proxy<Manager>(bus, MANAGER_PATH, `${UDISKS}.Manager`);
  const [drivePath] = await manager.ResolveDevice({ path: new dbus.Variant('s', device) }, {});
  if (!drivePath) throw new FiotError('TARGET_NOT_FOUND', `UDisks2 does not know ${device}.`);
  await unmountFilesystems(bus, objects, drivePath);
  const block = await proxy<Block>(bus, drivePath, `${UDISKS}.Block`);
  // The same flags the writer opens a drive with itself: exclusive, around the page cache.
  return block.OpenDevice('rw', { flags: new dbus.Variant('i', constants.O_EXCL | constants.O_DIRECT) });
}

export const openWithUdisks: DeviceOpener = (devices) =>
  session(async (bus) => {
    const objects = await (await proxy<ObjectManager>(bus, ROOT_PATH, 'org.freedesktop.DBus.ObjectManager')).GetManagedObjects();
    const opened = new Map<string, number>();
    try {
      for (const device of devices) {
        try {
          opened.set(device, await openOne(bus, objects, device));
        } catch (error) {
          throw udisksAbsent(error) ? error : udisksRefusal(error, device);
        }
      }
      return opened;
    } catch (error) {
      for (const fd of opened.values()) closeSync(fd);
      throw error;
    }
  });
