/**
 * `fiot-flash provision <target> [provisioning flags] [--json]`: provision a card that already
 * holds a Fedora IoT image (or an image file) before its first boot. Refuses system drives,
 * read-only and mounted targets, and anything not Fedora IoT, before writing a byte.
 */
import { planForCard } from '../../../shared/provisioning';
import { provisionPath } from '../../core/provision/provision-target';
import { EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { counterStartFromFlags, profileFromFlags, provisioningHelp, provisioningOptions } from '../provisioning-flags';
import { warnStaticIp } from '../table-flag';

const help = `
Usage: fiot-flash provision <target> [provisioning flags] [--json]

Writes first-boot provisioning into a card (or image file) that holds a Fedora IoT raw image and
has not booted yet: ignition/config.ign on its "boot" partition, or the Ignition URL / Zezere
server in URL and Zezere modes. The card's {n} is --counter-start (default 1).

  <target>               a drive (see fiot-flash drives), a loop device, or an image file
${provisioningHelp}
  --json                 one JSON object: {"type":"result","ok":...,"hostname":...,"changed":[...]}
`;

const options = { ...provisioningOptions, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const command: Command = {
  summary: 'Provision a written card or image file for its first boot',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options, true);
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    if (positionals.length !== 1) throw usageError('Name one target: fiot-flash provision <drive or image file> [flags].');
    const n = counterStartFromFlags(values) ?? 1;
    const profile = profileFromFlags(values);
    if (!profile) throw usageError('Give provisioning flags, e.g. --hostname pi-{n:03} --user core --ssh-key @~/.ssh/id_ed25519.pub.');
    const { plan, problems } = planForCard(profile, n);
    if (!plan) throw usageError(problems.map((p) => p.message).join('\n'));
    warnStaticIp(io, profile, undefined);

    const result = await provisionPath(positionals[0]!, plan);
    const changedBytes = result.changed.reduce((sum, r) => sum + r.length, 0);
    io.say(plan.mode === 'config'
      ? `Provisioned ${result.device}${result.hostname ? ` as ${result.hostname}` : ''}: ignition/config.ign${plan.kernelArguments ? ' and the boot entries’ kernel arguments' : ''} written to the boot partition and read back.`
      : `Provisioned ${result.device}: the first boot will ${plan.mode === 'url' ? `fetch its Ignition config from ${plan.url}` : `ask the Zezere server ${plan.url}`}.`);
    io.result(true, { target: result.device, mode: result.mode, hostname: result.hostname, changed: result.changed, changedBytes });
    return EXIT_OK;
  },
};
