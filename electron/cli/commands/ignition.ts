/**
 * `fiot-flash ignition [provisioning flags] [--table FILE [--row N | --output DIR]] [--json]`:
 * print the Ignition config a card would get, exactly as it would be written, without touching
 * any card; with a device table, the config a chosen row's card gets, or every row's saved into
 * a folder. Bad input exits 2 naming the flag.
 */
import path from 'node:path';
import { planForCard, type ProvisioningPlan } from '../../../shared/provisioning';
import { EXIT_OK, type Command } from '../command';
import { configFileName, planRows, rowFromFlag, saveRowConfigs, type RowPlan } from '../ignition-rows';
import type { CliIO } from '../io';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';
import { counterStartFromFlags, profileFromFlags, provisioningHelp, provisioningOptions } from '../provisioning-flags';
import { tableFromFlags, warnStaticIp } from '../table-flag';

const help = `
Usage: fiot-flash ignition [provisioning flags] [--table FILE [--row N | --output DIR]] [--json]

Prints the Ignition config (spec 3.3.0) that provisioning writes to the card whose {n} is
--counter-start (default 1), and the kernel arguments it puts on the card's boot entries.
Nothing is written to any card.
${provisioningHelp}
  --table FILE           a device table, as flash --table takes it: the config of one row's card
  --row N                which row to print: 1 is the first device (the line after the header);
                         without it, row 1
  --output DIR           save every row's config into DIR instead, one file per card, named by
                         row and hostname (07-site-pump-07.ign); DIR is made when missing. The
                         files hold password hashes and Wi-Fi passphrases: readable by you only
  --json                 one JSON object per line: any {"type":"warning",...}, then
                         {"type":"result","ok":true,"mode":...,"config":{...}}
                         (with --output: {"type":"result","ok":true,"folder":...,"rows":[...]})
`;

const options = {
  ...provisioningOptions,
  table: { type: 'string' },
  row: { type: 'string' },
  output: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One card's config on stdout (its kernel arguments on stderr), or where a URL or Zezere mode gets it. */
function printPlan(plan: ProvisioningPlan, fields: Record<string, unknown>, io: CliIO): void {
  if (plan.mode === 'config') {
    if (!io.json) io.stdout.write(plan.configText);
    // Not part of the config (provisioning writes them on the boot entries): on stderr, so stdout stays the config.
    if (plan.kernelArguments) io.warn(`Kernel arguments for the card's boot entries: ${plan.kernelArguments.join(' ')}`);
    io.result(true, { mode: plan.mode, ...fields, hostname: plan.hostname, config: JSON.parse(plan.configText), kernelArguments: plan.kernelArguments ?? [] });
    return;
  }
  io.say(plan.mode === 'url'
    ? `No config is generated: on its first boot the card fetches its Ignition config from ${plan.url}`
    : `No config is generated: the card asks the Zezere server ${plan.url} for its config until you claim it there.`);
  io.result(true, { mode: plan.mode, ...fields, url: plan.url });
}

/** "Row 7 of 12 (line 8 of sites.csv): site-pump-07". */
function rowWords(row: RowPlan, rows: number, file: string): string {
  const hostname = row.plan.mode === 'config' && row.plan.hostname ? `: ${row.plan.hostname}` : '';
  return `Row ${row.row} of ${rows} (line ${row.line} of ${path.basename(file)})${hostname}`;
}

function saveAll(rows: RowPlan[], folder: string, file: string, io: CliIO): void {
  const saved = saveRowConfigs(rows, folder);
  io.say(`Saved ${saved.size} config${saved.size === 1 ? '' : 's'} into ${folder}, one per card:`);
  for (const row of rows) {
    const where = row.plan.mode === 'config' ? configFileName(row, rows.length) : `no file: the card ${row.plan.mode === 'url' ? 'fetches its config from' : 'asks the Zezere server'} ${row.plan.url}`;
    const kargs = row.plan.mode === 'config' && row.plan.kernelArguments ? ` (kernel arguments for its boot entries: ${row.plan.kernelArguments.join(' ')})` : '';
    io.say(`  ${where}  ← ${rowWords(row, rows.length, file)}${kargs}`);
  }
  io.result(true, {
    folder,
    rows: rows.map((row) => ({
      row: row.row, line: row.line, n: row.n, mode: row.plan.mode,
      ...(row.plan.mode === 'config' ? { hostname: row.plan.hostname, file: saved.get(row.row), kernelArguments: row.plan.kernelArguments ?? [] } : { url: row.plan.url }),
    })),
  });
}

export const command: Command = {
  summary: 'Print the Ignition config provisioning would write',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, options);
    if (printHelpIfAsked(values, help, io)) return EXIT_OK;
    const n = counterStartFromFlags(values) ?? 1;
    const profile = profileFromFlags(values);
    const table = tableFromFlags(values, profile);
    if ((values.row !== undefined || values.output !== undefined) && !table) throw usageError('--row and --output pick rows of a device table: add --table FILE.');
    if (values.row !== undefined && values.output !== undefined) throw usageError('Give --row N to print one row\'s config, or --output DIR to save every row\'s; not both.');
    if (table && values.table) {
      const rows = planRows(table.table.rows, n, values.table);
      const chosen = values.row === undefined ? 1 : rowFromFlag(values.row, rows.length, values.table);
      warnStaticIp(io, profile, table, values.table);
      if (values.output !== undefined) {
        saveAll(rows, path.resolve(values.output), values.table, io);
        return EXIT_OK;
      }
      const row = rows[chosen - 1]!;
      io.warn(`${rowWords(row, rows.length, values.table)}.${values.row === undefined && rows.length > 1 ? ' --row N prints another row\'s config; --output DIR saves one per row.' : ''}`);
      printPlan(row.plan, { n: row.n, row: row.row, line: row.line }, io);
      return EXIT_OK;
    }
    if (!profile) throw usageError('Give at least one provisioning flag, e.g. --hostname pi-{n:03} --user core --ssh-key @~/.ssh/id_ed25519.pub (or --table FILE).');
    const { plan, problems } = planForCard(profile, n);
    if (!plan) throw usageError(problems.map((p) => p.message).join('\n'));
    warnStaticIp(io, profile, undefined);
    printPlan(plan, { n }, io);
    return EXIT_OK;
  },
};
