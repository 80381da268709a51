/**
 * `fiot-flash build <container-ref> --arch aarch64|x86_64 [--output DIR] [--rootfs ext4|xfs]
 * [provisioning flags] [--json]`: a raw disk image from a bootc container, through
 * bootc-image-builder on rootful podman; the image lands in the cache (and DIR) ready to flash.
 */
import type { BuildProgress, BuildRecord, PreflightCheck } from '../../../shared/domain/build';
import { isErrorCode, type ErrorInfo } from '../../../shared/errors';
import type { CliIO } from '../io';
import { CoreServices } from '../../core/services';
import { EXIT_FAILURE, EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { counterStartFromFlags, profileFromFlags, provisioningHelp, provisioningOptions } from '../provisioning-flags';

const help = `
Usage: fiot-flash build <container-ref> --arch aarch64|x86_64 [--output DIR] [--rootfs ext4|xfs]
                        [--kernel-append ARGS] [provisioning flags] [--json]

Builds a raw disk image from a bootable (bootc) container with bootc-image-builder, e.g.
  fiot-flash build quay.io/fedora/fedora-iot:42 --arch aarch64 --user core --ssh-key @$HOME/.ssh/id_ed25519.pub

  --arch ARCH           the board’s architecture: aarch64 or x86_64. A built image carries no
                        board firmware: it boots on UEFI machines (a Raspberry Pi needs UEFI
                        firmware, or use the published image with --bootc-switch instead)
  --output DIR          also leave the image at DIR/image/disk.raw (it always goes into the cache)
  --rootfs FS           root filesystem: ext4 (default) or xfs
  --kernel-append ARGS  extra kernel arguments for every boot
  --json                one JSON object per line: log lines, progress, and the result

The provisioning flags below go into the image: users are created at build time, and the
profile's Ignition config is embedded to run on the image's first boot ({n} is --counter-start).
${provisioningHelp}
Needs podman 4 or newer, run as root: as a normal user podman runs through pkexec (an
administrator prompt); the app itself is never elevated. Building for another architecture than
this machine's needs qemu-user-static. Override the podman executable with FIOT_PODMAN, and
where binfmt handlers are looked up (default /proc/sys/fs/binfmt_misc) with FIOT_BINFMT_DIR.
`;

const options = {
  arch: { type: 'string' },
  output: { type: 'string' },
  rootfs: { type: 'string' },
  'kernel-append': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...provisioningOptions,
} as const;

function progressReporter(io: CliIO) {
  let lastPhase = '';
  return (p: BuildProgress) => {
    if (io.json) return io.emit({ type: 'progress', ...p });
    // One line per phase: the builder's own log already fills the screen.
    if (p.message === lastPhase) return;
    lastPhase = p.message;
    io.say(`==> ${String(Math.round(p.percent)).padStart(3)}%  ${p.message}`);
  };
}

/** The checklist at a glance; the error below it says what to do for each ✗. */
function sayPreflight(io: CliIO, checks: PreflightCheck[]): void {
  for (const check of checks) io.warn(`  ${check.ok ? '✓' : '✗'} ${check.label}`);
}

function resultFields(record: BuildRecord): Record<string, unknown> {
  return { build: record, image: record.imagePath, output: record.outputPath, sha256: record.sha256 };
}

export const command: Command = {
  summary: 'Build a raw image from a bootc container (bootc-image-builder)',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options, true);
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    if (positionals.length !== 1) throw usageError('Name one container image to build, e.g. fiot-flash build quay.io/fedora/fedora-iot:42 --arch aarch64.');
    if (values.arch !== 'aarch64' && values.arch !== 'x86_64') throw usageError('--arch must be aarch64 or x86_64 (the board’s architecture).');
    if (values.rootfs !== undefined && values.rootfs !== 'ext4' && values.rootfs !== 'xfs') throw usageError('--rootfs must be ext4 or xfs.');

    const manager = new CoreServices().builds;
    const job = manager.start(
      {
        reference: positionals[0]!,
        arch: values.arch,
        rootfs: values.rootfs as 'ext4' | 'xfs' | undefined,
        outputDir: values.output,
        kernelAppend: values['kernel-append'],
        profile: profileFromFlags(values),
        counterStart: counterStartFromFlags(values),
      },
      {
        log: ({ line, stream }) => (io.json ? io.emit({ type: 'log', stream, line }) : io.say(line)),
        progress: progressReporter(io),
      },
    );
    // Ctrl-C stops the container and removes the partial image instead of leaving it running.
    const onInterrupt = () => void job.cancel();
    process.once('SIGINT', onInterrupt);
    const { record, preflight } = await job.done.finally(() => process.off('SIGINT', onInterrupt));

    if (record.status !== 'succeeded') {
      const failure = record.error ?? { code: 'BUILD_FAILED', message: 'The build failed.' };
      const error: ErrorInfo = { code: isErrorCode(failure.code) ? failure.code : 'BUILD_FAILED', message: failure.message, hint: failure.hint };
      if (error.code === 'PREFLIGHT_FAILED') sayPreflight(io, preflight);
      io.result(false, { ...resultFields(record), preflight }, error);
      return EXIT_FAILURE;
    }
    io.say(`Built ${record.reference} (${record.arch}): ${record.imagePath}`);
    if (record.outputPath) io.say(`Also saved as ${record.outputPath}`);
    io.say(`Flash it with: fiot-flash flash ${record.outputPath ?? record.imagePath} --drive <target>`);
    io.result(true, resultFields(record));
    return EXIT_OK;
  },
};
