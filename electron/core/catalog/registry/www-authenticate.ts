/**
 * The `WWW-Authenticate` challenge a registry answers 401 with, e.g. quay.io's
 * `Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="repository:fedora/fedora-iot:pull"`.
 */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses one challenge; parameter values may be quoted (with backslash escapes) or bare tokens. */
export function parseChallenge(header: string): Challenge | null {
  const match = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(.*)$/.exec(header);
  if (!match) return null;
  const [, scheme = '', rest = ''] = match;
  const params: Record<string, string> = {};
  for (const param of rest.matchAll(/([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    const [, key = '', quoted, bare] = param;
    params[key.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
  }
  return { scheme: scheme.toLowerCase(), params };
}
