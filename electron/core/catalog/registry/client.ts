/**
 * A small client for the OCI distribution API (what quay.io, Docker Hub and `docker-registry`
 * speak), on global fetch. It answers a 401 the way registries expect: a Bearer challenge sends it
 * to the token endpoint named in the challenge (anonymously, or with the user's credentials as
 * basic auth), a Basic challenge gets the credentials directly; the token is kept per scope.
 */
import { FiotError } from '../../../../shared/errors';
import { fetchWithTimeout, readText, type FetchLike } from '../http';
import type { Credentials } from './auth-file';
import { parseChallenge } from './www-authenticate';

export interface RegistryClientOptions {
  /** Host and port as in references: quay.io, 127.0.0.1:5000, docker.io. */
  registry: string;
  insecure: boolean;
  credentials: Credentials | null;
  timeoutMs: number;
  fetchImpl?: FetchLike;
}

export interface RegistryResponse {
  body: string;
  headers: Headers;
  url: string;
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

export class RegistryClient {
  private readonly authorization = new Map<string, string>();

  constructor(private readonly options: RegistryClientOptions) {}

  /** The API's base URL; Docker Hub's API lives on another host than its name. */
  get baseUrl(): string {
    const host = this.options.registry === 'docker.io' ? 'registry-1.docker.io' : this.options.registry;
    return `${this.options.insecure ? 'http' : 'https'}://${host}/v2/`;
  }

  /** GET a path under /v2/ (or an absolute URL from a Link header), authenticating on demand. */
  async get(pathOrUrl: string, repository: string, accept?: string): Promise<RegistryResponse> {
    const url = new URL(pathOrUrl, this.baseUrl).href;
    const response = await this.authorized('GET', url, repository, accept);
    return { body: await readText(url, response), headers: response.headers, url: response.url || url };
  }

  /** HEAD a manifest: its digest without its body, to tell whether a tag moved since last time. */
  async head(path: string, repository: string, accept?: string): Promise<Headers> {
    const response = await this.authorized('HEAD', new URL(path, this.baseUrl).href, repository, accept);
    return response.headers;
  }

  private async authorized(method: 'GET' | 'HEAD', url: string, repository: string, accept?: string): Promise<Response> {
    const scope = `repository:${repository}:pull`;
    let response = await this.send(method, url, scope, accept);
    if (response.status === 401) {
      await this.authenticate(response, scope);
      response = await this.send(method, url, scope, accept);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new FiotError('NETWORK', `${this.options.registry} refused access to ${repository} (HTTP ${response.status})`,
        'For a private repository, log in with `podman login` first; the app reads the same auth.json.');
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new FiotError('NETWORK', `${url} answered HTTP ${response.status}`);
    }
    return response;
  }

  async getJson<T>(pathOrUrl: string, repository: string, accept?: string): Promise<{ json: T; headers: Headers; url: string }> {
    const answer = await this.get(pathOrUrl, repository, accept);
    try {
      return { json: JSON.parse(answer.body) as T, headers: answer.headers, url: answer.url };
    } catch {
      throw new FiotError('NETWORK', `${answer.url} did not answer valid JSON`);
    }
  }

  private send(method: 'GET' | 'HEAD', url: string, scope: string, accept?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (accept) headers.Accept = accept;
    const authorization = this.authorization.get(scope);
    if (authorization) headers.Authorization = authorization;
    return fetchWithTimeout(url, { method, headers }, this.options.timeoutMs, this.options.fetchImpl);
  }

  private async authenticate(response: Response, scope: string): Promise<void> {
    await response.body?.cancel();
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
    const { credentials } = this.options;
    if (challenge?.scheme === 'basic' && credentials) {
      this.authorization.set(scope, basic(credentials));
    } else if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      this.authorization.set(scope, `Bearer ${await this.fetchToken(challenge.params, scope)}`);
    }
  }

  private async fetchToken(params: Record<string, string>, defaultScope: string): Promise<string> {
    const tokenUrl = new URL(params.realm ?? '');
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    tokenUrl.searchParams.set('scope', params.scope ?? defaultScope);
    const headers: Record<string, string> = {};
    if (this.options.credentials) headers.Authorization = basic(this.options.credentials);
    const response = await fetchWithTimeout(tokenUrl.href, { headers }, this.options.timeoutMs, this.options.fetchImpl);
    if (!response.ok) {
      await response.body?.cancel();
      throw new FiotError('NETWORK', `${this.options.registry}'s token service answered HTTP ${response.status}`);
    }
    const text = await readText(tokenUrl.href, response);
    let body: { token?: unknown; access_token?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new FiotError('NETWORK', `${this.options.registry}'s token service did not answer valid JSON`);
    }
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || !token) throw new FiotError('NETWORK', `${this.options.registry}'s token service gave no token`);
    return token;
  }
}
