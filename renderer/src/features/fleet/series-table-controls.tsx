/**
 * The first-boot form's fleet controls: where the hostname's numbering continues (or "start at"), and
 * a device table imported from a CSV file or pasted, with every problem named by line and column
 * before anything is written. Hosted by the provisioning form.
 */
import { useState, type ChangeEvent } from 'react';
import { bareAddressLines, fillOutsideSubnet, GATEWAY_OWN_NETWORK, groupTableProblems, IPV4, outsideSubnetWords, tableReachFix, tableReachGaps, tableReachWords, USUAL_PREFIX, usualRouterOf, withAddressPrefix, withReachFill } from '../../../../shared/provisioning';
import { fleetStore, profileStore, useFleet, useProfile } from '../../stores';
import { formToProfile } from '../provisioning/profile-form';
import { tableLostWords } from './fleet-store';
import { useTableFacts } from './table-rows';
import { tableProgressWords } from '../provisioning/profile-summary';
import { WhatIsThis } from '../../components/what-is-this';

const takeTable = (text: string, name: string) => fleetStore.getState().importTable(text, name, formToProfile(profileStore.getState().form));

/** Addresses without "/24", as spreadsheets export them: the fix, offered as one click. */
function BareAddressFix() {
  const table = useFleet((s) => s.table);
  const lines = table ? bareAddressLines(table.text) : [];
  if (!table || lines.length === 0) return null;
  return (
    <div className="stack table-fix" data-testid="table-prefix-fix">
      <p>
        {lines.length === 1 ? 'One row gives' : `${lines.length} rows give`} an address without the network’s size (the “/24” after it), as spreadsheets often export it.
        Most home and office networks are /{USUAL_PREFIX} (netmask 255.255.255.0).
      </p>
      <div className="row">
        <button type="button" className="button primary" onClick={() => takeTable(withAddressPrefix(table.text), table.name)} data-testid="table-prefix-apply">
          Treat these as /{USUAL_PREFIX}
        </button>
      </div>
    </div>
  );
}

/**
 * Rows whose fixed address has no gateway or DNS server: allowed, but said plainly beside the
 * table, with the fix in one click: one gateway and DNS list for every row without its own (taken
 * from the form's fields when typed there, since those apply to the form's own address only).
 */
function TableReach() {
  const devices = useFleet((s) => s.tableDevices);
  const gaps = tableReachGaps(devices);
  if (!gaps.length) return null;
  const lacking = new Set(gaps.flatMap((gap) => gap.gaps));
  return (
    <div className="drive-warning stack" role="note" data-testid="table-reach">
      {gaps.map((gap) => <p key={gap.lines.join()}>{tableReachWords(gap)}. {tableReachFix(gap.gaps)}</p>)}
      <ReachFillForm gateway={lacking.has('gateway')} dns={lacking.has('dns')} subnet={gaps[0]?.subnet ?? null} />
    </div>
  );
}

function ReachFillForm({ gateway, dns, subnet }: { gateway: boolean; dns: boolean; subnet: string | null }) {
  const table = useFleet((s) => s.table);
  const formGateway = useProfile((s) => s.form.staticGateway.trim());
  const formDns = useProfile((s) => s.form.staticDns.trim());
  const [typedGateway, setGateway] = useState<string | null>(null);
  const [typedDns, setDns] = useState<string | null>(null);
  const gatewayValue = typedGateway ?? formGateway;
  const dnsValue = typedDns ?? formDns;
  if (!table) return null;
  const empty = !(gateway && gatewayValue) && !(dns && dnsValue);
  // Refused here as on the command line: a gateway off a row's network leaves it reaching nothing beyond.
  const outside = gateway && IPV4.test(gatewayValue) ? fillOutsideSubnet(table.text, gatewayValue) : [];
  const apply = () => takeTable(withReachFill(table.text, { ...(gateway ? { gateway: gatewayValue } : {}), ...(dns ? { dns: dnsValue } : {}) }), table.name);
  return (
    <div className="stack table-fix" data-testid="table-reach-fill">
      <div className="row">
        {gateway && (
          <label className="inline-label small">
            Gateway for these rows
            <input type="text" className="mono" value={gatewayValue} placeholder={`e.g. ${usualRouterOf(subnet)}`} onChange={(e) => setGateway(e.target.value)} data-testid="table-fill-gateway" />
          </label>
        )}
        {dns && (
          <label className="inline-label small">
            DNS servers for these rows
            <input type="text" className="mono" value={dnsValue} placeholder={`e.g. ${usualRouterOf(subnet)}`} onChange={(e) => setDns(e.target.value)} data-testid="table-fill-dns" />
          </label>
        )}
      </div>
      <div className="row">
        <button type="button" className="button primary" disabled={empty || outside.length > 0} onClick={apply} data-testid="table-fill-apply">
          Use {[gateway && 'this gateway', dns && 'these DNS servers'].filter(Boolean).join(' and ')} for every row without {gateway && dns ? 'them' : 'one'}
        </button>
        {/* The grey examples are not values: say what the button waits for. */}
        {outside.map((group) => (
          <span key={group.subnet} className="small table-fill-outside" role="alert" data-testid="table-fill-outside">
            {outsideSubnetWords(gatewayValue, group)}: {GATEWAY_OWN_NETWORK}. Type the router of their network (often {usualRouterOf(group.subnet)}), or give those rows a gateway of their own in the table.
          </span>
        ))}
        {empty && <span className="muted small" data-testid="table-fill-waits">Type your router's address first (often {usualRouterOf(subnet)}; a router usually answers DNS too).</span>}
      </div>
    </div>
  );
}

function Numbering() {
  const counterStart = useProfile((s) => s.counterStart);
  const previewFrom = useProfile((s) => s.previewFrom);
  const counts = useProfile((s) => s.form.hostname.includes('{n'));
  if (!counts) return null;
  const setStart = (value: number | null) => profileStore.getState().setCounterStart(value);
  return (
    <fieldset className="fleet-numbering" data-testid="series-controls">
      <legend>Numbering <WhatIsThis term="numbering" /></legend>
      <label className="checkbox-label">
        <input type="radio" name="numbering" checked={counterStart === null} onChange={() => setStart(null)} data-testid="series-continue" />
        Continue the numbering{counterStart === null ? <span className="muted"> (next card: {previewFrom})</span> : null}
      </label>
      <label className="checkbox-label">
        <input type="radio" name="numbering" checked={counterStart !== null} onChange={() => setStart(previewFrom)} data-testid="series-start-at" />
        Start at
        <input type="number" min={0} aria-label="First card’s number" className="counter-input" disabled={counterStart === null} value={counterStart ?? previewFrom}
          onChange={(e) => setStart(Number(e.target.value))} data-testid="profile-counterStart" />
      </label>
    </fieldset>
  );
}

function TableProblems() {
  const problems = useFleet((s) => s.tableProblems);
  if (!problems.length) return null;
  return (
    <div className="notice notice-error" role="alert" data-testid="table-problems">
      <strong className="notice-title">The device table needs correcting; nothing is written until it does</strong>
      <ul>
        {groupTableProblems(problems).map((line) => <li key={line}>{line}</li>)}
      </ul>
      <BareAddressFix />
    </div>
  );
}

/** A table in use before the page reloaded that could not be brought back: the way on, named. */
function TableLost() {
  const lost = useFleet((s) => s.tableLost);
  if (!lost) return null;
  return (
    <div className="notice notice-error" role="alert" data-testid="table-lost">
      <strong className="notice-title">Import {lost} again</strong>
      <p>{tableLostWords(lost)}</p>
    </div>
  );
}

function DeviceTable() {
  const table = useFleet((s) => s.table);
  const lost = useFleet((s) => s.tableLost !== null);
  const rows = useFleet((s) => s.tableRows);
  const emptyRows = useFleet((s) => s.tableEmptyRows);
  const okay = useFleet((s) => s.tableProblems.length === 0);
  const facts = useTableFacts();
  const progress = facts ? tableProgressWords(facts) : null;
  const [pasted, setPasted] = useState('');
  const take = takeTable;
  const pick = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) take(await file.text(), file.name);
    event.target.value = '';
  };
  return (
    <fieldset className="fleet-table" data-testid="device-table">
      <legend>Device table (optional) <WhatIsThis term="deviceTable" /></legend>
      <p className="muted small">A table saved from a spreadsheet (as CSV) with one row per device: hostname, ip, gateway, dns, ignition_url, kernel_args, label, and any column used as <code>{'{column}'}</code> in files or units. Rows go to the cards in order.</p>
      <label className="button file-button">
        Import a CSV file…
        <input type="file" accept=".csv,text/csv,text/plain" className="visually-hidden" onChange={(e) => void pick(e)} data-testid="table-file" />
      </label>
      <label htmlFor="table-paste" className="small">Or paste the table</label>
      <textarea id="table-paste" rows={4} className="mono" value={pasted} onChange={(e) => setPasted(e.target.value)} data-testid="table-paste" />
      <div className="row">
        <button type="button" className="button" disabled={!pasted.trim()} onClick={() => take(pasted, 'pasted table')} data-testid="table-use-pasted">Use the pasted table</button>
        {(table || lost) && <button type="button" className="button" onClick={() => fleetStore.getState().clearTable()} data-testid="table-clear">Remove the table</button>}
      </div>
      {table && okay && <p data-testid="table-summary">{table.name}: {rows} device{rows === 1 ? '' : 's'}, used in order from the first unused row{progress ? `: ${progress}` : ''}.{emptyRows ? ` ${emptyRows}` : ''}</p>}
      {table && okay && <TableReach />}
      <TableLost />
      <TableProblems />
    </fieldset>
  );
}

export function SeriesTableControls() {
  return (
    <div className="stack fleet-controls">
      <Numbering />
      <DeviceTable />
    </div>
  );
}
