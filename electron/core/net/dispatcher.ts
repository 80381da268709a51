/**
 * The one way the app's requests leave this computer: an undici dispatcher that sends each origin
 * either straight to it or through the proxy chosen for it (see proxy-settings.ts). fetch calls take
 * it as `dispatcher`, undici's `request` likewise, so the catalog, the registry, image and CHECKSUM
 * downloads and SSH key lookups all follow the same proxy rules.
 */
import { Agent, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { loadConfig } from '../config';
import { neverPauseClosingResponses } from './closing-responses';
import { proxyFor, proxySettings, readSettings, type ProxySettings } from './proxy-settings';

export interface NetOptions {
  /** Extra trusted certificate authorities (PEM) for the sites asked, e.g. a loopback test server's own. */
  ca?: string | Buffer;
}

// A connection that is neither made nor refused within this time is given up on.
const CONNECT_TIMEOUT_MS = 30_000;

/** The proxy settings in force now: the settings file in the config folder, then the environment. */
export function currentProxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings {
  return proxySettings(env, readSettings(loadConfig(env).configDir));
}

function routingAgent(settings: ProxySettings, options: NetOptions): Dispatcher {
  const tls = { timeout: CONNECT_TIMEOUT_MS, ...(options.ca ? { ca: options.ca } : {}) };
  const agent = new Agent({
    connect: tls,
    // Agent asks for one dispatcher per origin: that is where an origin is routed once and for all.
    factory: (origin, poolOptions) => {
      const proxy = proxyFor(String(origin), settings);
      return proxy ? new ProxyAgent({ uri: proxy, requestTls: tls, proxyTls: tls, connect: tls }) : new Pool(origin, poolOptions);
    },
  });
  // Composed last, so it wraps every request whichever way it is routed.
  return agent.compose(neverPauseClosingResponses);
}

const agents = new Map<string, Dispatcher>();

/** The dispatcher for requests made now; one per distinct setting, kept for its open connections. */
export function netDispatcher(options: NetOptions = {}): Dispatcher {
  const settings = currentProxySettings();
  const key = JSON.stringify([settings, options.ca ? String(options.ca) : null]);
  let agent = agents.get(key);
  if (!agent) {
    agent = routingAgent(settings, options);
    agents.set(key, agent);
  }
  return agent;
}
