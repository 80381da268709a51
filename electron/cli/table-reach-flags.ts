/**
 * --gateway and --dns with --table (and no --static-ip): the router's address for every row that
 * gives an address but no gateway (or no DNS server) of its own, as the app's "Gateway for these
 * rows" does; a row's own value wins. Checked before the table is, so a gateway outside a row's
 * network is refused naming the lines before anything is downloaded, asked or written.
 */
import { FiotError } from '../../shared/errors';
import { CsvSyntaxError, fillOutsideSubnet, GATEWAY_OWN_NETWORK, IPV4, outsideSubnetWords, usualRouterOf, withReachFill } from '../../shared/provisioning';
import { fillsTable, type ProvisioningValues } from './provisioning-flags';

function usage(message: string, hint: string): FiotError {
  return new FiotError('USAGE', message, hint);
}

function checkGateway(text: string, gateway: string, file: string): void {
  if (!IPV4.test(gateway)) {
    throw usage(`--gateway ${gateway}: must be an IPv4 address such as 192.168.1.1.`, 'Give the router\'s address alone, without a prefix length.');
  }
  const outside = fillOutsideSubnet(text, gateway);
  if (!outside.length) return;
  const where = outside.map((group) => `--gateway ${outsideSubnetWords(gateway, group)} in ${file}: ${GATEWAY_OWN_NETWORK}.`);
  const example = outside[0]!.subnet;
  throw usage(where.join('\n'), `Give those rows a gateway of their own in the table's gateway column, or name the router of their network with --gateway (often ${usualRouterOf(example)} on ${example}).`);
}

/** The table's text with the flags' gateway and DNS servers in the rows that lack them; unchanged without the flags. */
export function withFlagsReachFill(text: string, values: ProvisioningValues & { table?: string }, file: string): string {
  if (!fillsTable(values)) return text;
  const gateway = values.gateway?.trim();
  const dns = (values.dns ?? []).map((server) => server.trim());
  const notAddress = dns.find((server) => !IPV4.test(server));
  if (notAddress !== undefined) throw usage(`--dns ${notAddress}: must be an IPv4 address such as 192.168.1.1.`, 'Repeat --dns for each DNS server (often the router\'s address).');
  try {
    if (gateway !== undefined) checkGateway(text, gateway, file);
    return withReachFill(text, { gateway, dns: dns.join(' ') });
  } catch (error) {
    // A table that is not valid CSV is named by the table's own check, with its line.
    if (error instanceof CsvSyntaxError) return text;
    throw error;
  }
}
