/**
 * A forward proxy on loopback that speaks HTTP CONNECT, as corporate proxies (squid and the like)
 * do for https: it records every tunnel asked for, and can be told to refuse with 403 (site not
 * allowed) or to ask for a password with 407 unless the right Proxy-Authorization comes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

export interface SeenConnect {
  /** host:port the client asked to be connected to. */
  target: string;
  authorization?: string;
}

export interface ConnectProxy {
  /** http://127.0.0.1:port */
  url: string;
  connects: SeenConnect[];
  /** 'tunnel' connects; 403 refuses every tunnel; 407 refuses unless `password` matches. */
  answer: 'tunnel' | 403 | 407;
  /** user:password accepted when answer is 407. */
  password?: string;
  close(): Promise<void>;
}

function refuse(socket: net.Socket, status: 403 | 407): void {
  const reason = status === 403 ? 'Forbidden' : 'Proxy Authentication Required';
  const challenge = status === 407 ? 'Proxy-Authenticate: Basic realm="loopback"\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${challenge}Content-Length: 0\r\n\r\n`);
}

export async function startConnectProxy(answer: ConnectProxy['answer'] = 'tunnel'): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: ConnectProxy = { url: '', connects: [], answer, close: () => Promise.resolve() };
  const server = http.createServer((_req, res) => res.writeHead(405).end('CONNECT only'));
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const authorization = req.headers['proxy-authorization'];
    proxy.connects.push({ target: req.url ?? '', ...(authorization ? { authorization } : {}) });
    const expected = proxy.password ? `Basic ${Buffer.from(proxy.password).toString('base64')}` : null;
    if (proxy.answer === 403 || (proxy.answer === 407 && authorization !== expected)) return refuse(client, proxy.answer);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host ?? '', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

/** A loopback port with nothing listening on it: a proxy that is not running. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
