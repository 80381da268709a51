/** `fiot-flash station [--port N] [--listen ADDR]`: the app in a browser tab, behind a token. */
import { createCore } from '../../core/app-core';
import { startStation } from '../../station/server';
import type { Command } from '../main';
import { parseCommandArgs, printHelpIfAsked, usageError } from '../parse-args';

const help = `
Usage: fiot-flash station [--port N] [--listen ADDR]

Serves the app to a browser: open the URL it prints (it carries a secret token; anything
without the token is refused). Stop it with Ctrl-C.

  --port N        the port to listen on (default: a free one)
  --listen ADDR   the address to listen on (default 127.0.0.1, this machine only). Another
                  address lets other machines on the network write cards here: only with care.
`;

const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

export const command: Command = {
  summary: 'Serve the app to a browser, behind a token',
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { port: { type: 'string' }, listen: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (printHelpIfAsked(values, help, io)) return 0;
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw usageError('--port takes a port number from 0 to 65535.');
    const listen = values.listen ?? '127.0.0.1';
    const station = await startStation({ core: createCore(), port, listen });
    if (!loopback.has(listen)) io.warn(`Warning: listening on ${listen}: anyone on that network who has the URL can write cards on this machine.`);
    io.say(`Station ready: ${station.url}`);
    io.emit({ type: 'ready', url: station.url, port: station.port });
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await station.close();
    io.say('Station stopped.');
    io.result(true);
    return 0;
  },
};
