/**
 * The catalog's one way to ask a web server for text: a deadline on every request, ETag /
 * Last-Modified validators so an unchanged index costs one 304, and failures as quiet NETWORK
 * errors that name the URL (the catalog shows them as a notice, never a dialog).
 */
import { fetch as undiciFetch } from 'undici';
import { FiotError } from '../../../shared/errors';
import { netDispatcher } from '../net/dispatcher';
import { proxyRefusal } from '../net/proxy-refusal';

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type FetchLike = typeof fetch;

/**
 * undici's own fetch rather than the global one: the global fetch is the undici bundled with the
 * running Node (Electron's Node carries another major version), and a dispatcher is only sure to
 * work with the fetch of the same undici it comes from.
 */
const appFetch = undiciFetch as unknown as FetchLike;

export interface TextRequest {
  timeoutMs: number;
  validators?: Validators;
  headers?: Record<string, string>;
  fetchImpl?: FetchLike;
}

export type TextResponse = { notModified: true } | { notModified: false; text: string; validators: Validators };

/** A short reason for a failed request, fit for a one-line notice. */
export function describeFailure(url: string, error: unknown): string {
  if (error instanceof FiotError) return error.message;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return `${url} did not answer in time`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  const message = error instanceof Error ? error.message : String(error);
  return `${url} could not be reached (${cause || message})`;
}

/**
 * fetch with a deadline, through the app's proxy rules; a proxy that refuses is PROXY_REFUSED, any
 * other transport failure or timeout a NETWORK FiotError.
 */
export async function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number, fetchImpl: FetchLike = appFetch): Promise<Response> {
  // `dispatcher` is undici's own field of fetch's options, which the DOM's RequestInit type does not name.
  const options = { ...init, signal: AbortSignal.timeout(timeoutMs), dispatcher: netDispatcher() } as RequestInit;
  try {
    return await fetchImpl(url, options);
  } catch (error) {
    throw proxyRefusal(url, error) ?? new FiotError('NETWORK', describeFailure(url, error));
  }
}

/** Reads a body; the request's deadline covers it too, since the same signal aborts the stream. */
export async function readText(url: string, response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw new FiotError('NETWORK', describeFailure(url, error));
  }
}

/**
 * Reads a binary body of at most `maxBytes`: a server that sends more than it was asked for is cut
 * off rather than read to the end (the catalog asks for small ranges of multi-gigabyte files).
 */
export async function readBytes(url: string, response: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of response.body ?? []) {
      length += chunk.length;
      // Leaving the loop cancels the stream: the rest is never read.
      if (length > maxBytes) break;
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    throw new FiotError('NETWORK', describeFailure(url, error));
  }
  if (length > maxBytes) throw new FiotError('NETWORK', `${url} sent more than the ${maxBytes} bytes asked for`);
  return Buffer.concat(chunks);
}

/** GET a text document, conditionally when validators from an earlier answer are given. */
export async function fetchText(url: string, request: TextRequest): Promise<TextResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.validators?.etag) headers['If-None-Match'] = request.validators.etag;
  if (request.validators?.lastModified) headers['If-Modified-Since'] = request.validators.lastModified;
  const response = await fetchWithTimeout(url, { headers }, request.timeoutMs, request.fetchImpl);
  if (response.status === 304) return { notModified: true };
  if (!response.ok) {
    await response.body?.cancel();
    throw new FiotError('NETWORK', `${url} answered HTTP ${response.status}`);
  }
  const text = await readText(url, response);
  const validators: Validators = {};
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  if (etag) validators.etag = etag;
  if (lastModified) validators.lastModified = lastModified;
  return { notModified: false, text, validators };
}
