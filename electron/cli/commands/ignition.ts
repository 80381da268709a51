/**
 * `fiot-flash ignition [provisioning flags] [--json]`: print the Ignition config a card would get,
 * exactly as it would be written, without touching any card. Bad input exits 2 naming the flag.
 */
import { planForCard } from '../../../shared/provisioning';
import { EXIT_OK, type Command } from '../command';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { counterStartFromFlags, profileFromFlags, provisioningHelp, provisioningOptions } from '../provisioning-flags';

const help = `
Usage: fiot-flash ignition [provisioning flags] [--json]

Prints the Ignition config (spec 3.3.0) that provisioning writes to the card whose {n} is
--counter-start (default 1), and the kernel arguments it puts on the card's boot entries.
Nothing is written.
${provisioningHelp}
  --json                 one JSON object: {"type":"result","ok":true,"mode":...,"config":{...}}
`;

const options = { ...provisioningOptions, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const command: Command = {
  summary: 'Print the Ignition config provisioning would write',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, options);
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    const n = counterStartFromFlags(values) ?? 1;
    const profile = profileFromFlags(values);
    if (!profile) throw usageError('Give at least one provisioning flag, e.g. --hostname pi-{n:03} --user core --ssh-key @~/.ssh/id_ed25519.pub.');
    const { plan, problems } = planForCard(profile, n);
    if (!plan) throw usageError(problems.map((p) => p.message).join('\n'));
    if (plan.mode === 'config') {
      if (!io.json) io.stdout.write(plan.configText);
      // Not part of the config (provisioning writes them on the boot entries): on stderr, so stdout stays the config.
      if (plan.kernelArguments) io.warn(`Kernel arguments for the card's boot entries: ${plan.kernelArguments.join(' ')}`);
      io.result(true, { mode: plan.mode, n, hostname: plan.hostname, config: JSON.parse(plan.configText), kernelArguments: plan.kernelArguments ?? [] });
    } else {
      io.say(plan.mode === 'url'
        ? `No config is generated: on its first boot the card fetches its Ignition config from ${plan.url}`
        : `No config is generated: the card asks the Zezere server ${plan.url} for its config until you claim it there.`);
      io.result(true, { mode: plan.mode, n, url: plan.url });
    }
    return EXIT_OK;
  },
};
