/**
 * Keeps undici 6 from crashing the process on a server that closes the connection after its
 * response (HTTP/1.0, `Connection: close`, e.g. `python3 -m http.server` as a local mirror).
 *
 * When a response body is read more slowly than it arrives, undici pauses its HTTP parser; if the
 * server's FIN arrives while the parser is paused, undici 6 fails an assertion in a socket 'end'
 * handler, which no caller can catch (nodejs/undici#5360; fixed only in undici 8, which needs
 * Node 22, while the CLI runs on Node 20). A station then died mid-download.
 *
 * So for a response that does not say it keeps the connection alive, the parser is never paused:
 * the body keeps arriving into the response stream's buffer. That buffer is bounded: once more
 * than CLOSING_BACKLOG_BYTES wait unread, the request is aborted, which a download treats like a
 * dropped connection and resumes by Range from what it already saved.
 */
import { DecoratorHandler, type Dispatcher } from 'undici';

/** Unread bytes a closing response may hold in memory before it is cut and resumed later. */
export const CLOSING_BACKLOG_BYTES = 32 << 20;

/** True when the response's headers promise a persistent connection; undici then pauses safely. */
function keptAlive(rawHeaders: Buffer[] | string[]): boolean {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (String(rawHeaders[i]).toLowerCase() !== 'connection') continue;
    return String(rawHeaders[i + 1]).toLowerCase().split(',').some((token) => token.trim() === 'keep-alive');
  }
  return false;
}

export class SlowReaderTooFarBehind extends Error {}

class NeverPauseClosing extends DecoratorHandler {
  private abort: ((error?: Error) => void) | null = null;
  private closing = false;
  /** Bytes handed on since the reader last asked for more, while it had asked to pause. */
  private backlog = 0;
  private readonly inner: Dispatcher.DispatchHandlers;

  constructor(handler: Dispatcher.DispatchHandlers) {
    super(handler);
    this.inner = handler;
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abort = abort;
    this.inner.onConnect?.(abort);
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    this.closing = !keptAlive(headers);
    const wanted = this.inner.onHeaders?.(statusCode, headers, () => {
      this.backlog = 0;
      resume();
    }, statusText);
    return this.closing ? true : wanted !== false;
  }

  onData(chunk: Buffer): boolean {
    const wanted = this.inner.onData?.(chunk) !== false;
    if (!this.closing) return wanted;
    if (!wanted) this.backlog += chunk.length;
    if (this.backlog > CLOSING_BACKLOG_BYTES) {
      this.abort?.(new SlowReaderTooFarBehind(`more than ${CLOSING_BACKLOG_BYTES} bytes arrived unread from a server that closes its connections; the transfer is cut here and resumed`));
    }
    return true;
  }
}

/** An undici interceptor: every request's handler wrapped as above. */
export const neverPauseClosingResponses: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => dispatch(options, new NeverPauseClosing(handler));
