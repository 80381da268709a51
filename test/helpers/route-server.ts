/**
 * A loopback HTTP server whose answers the test writes as a function, for sources that are not
 * plain files: a release index with ETags, a mirror folder listing, a registry's token service,
 * and faults (404, 500, a server that never answers). It records each request's method, path and
 * the headers that matter to the catalog.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void | Promise<void>;

export interface RouteServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234. */
  base: string;
  /** host:port */
  host: string;
  requests: SeenRequest[];
  route: Route;
  close(): Promise<void>;
}

export async function startRouteServer(route: Route): Promise<RouteServer> {
  const requests: SeenRequest[] = [];
  const state = { route };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers });
    Promise.resolve(state.route(req, res, url)).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    get route() {
      return state.route;
    },
    set route(next: Route) {
      state.route = next;
    },
    async close() {
      // Idempotent: tests close a server mid-test to take a source down, and again in after().
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
