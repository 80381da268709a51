/**
 * The provisioning domain over the router: the live preview the form shows (problems travel as
 * data, so the form can mark each field), password hashing, applying a profile to a written card
 * or image file, and named profiles saved under the config folder.
 */
import { FiotError } from '../../../shared/errors';
import { checkProfile, exportProfileText, planForCard, previewHostnames, profileMode } from '../../../shared/provisioning';
import type { HandlerFactory } from '../core-context';
import { hashPassword } from '../provision/password-hash';
import { ProfileStore, profileFileName } from '../provision/profile-store';

export const provisionHandlers: HandlerFactory = ({ config, grants }) => {
  const store = new ProfileStore(config.configDir);
  return {
    'provision:preview': async ({ profile: input, counterStart, count }) => {
      const { profile, problems } = checkProfile(input);
      const empty = { mode: null, configText: null, url: null, hostnames: [] as string[] };
      if (!profile) return { ...empty, problems };
      const hostnames = profile.hostname ? previewHostnames(profile.hostname, counterStart, count) : [];
      const { plan, problems: planProblems } = planForCard(profile, counterStart);
      if (!plan) return { ...empty, hostnames, mode: profileMode(profile), problems: planProblems };
      return {
        problems: [],
        mode: plan.mode,
        configText: plan.mode === 'config' ? plan.configText : null,
        url: plan.mode === 'config' ? null : plan.url,
        kernelArguments: plan.mode === 'config' ? (plan.kernelArguments ?? []) : [],
        hostnames,
      };
    },
    'provision:hash-password': async ({ password }) => ({ hash: await hashPassword(password) }),
    'provision:apply': async ({ target, profile: input, counterStart }) => {
      const { profile, problems } = checkProfile(input);
      const planned = profile ? planForCard(profile, counterStart) : { problems };
      if (!planned.plan) throw new FiotError('INVALID_INPUT', planned.problems.map((p) => p.message).join('\n'));
      // Only a card or image file the core listed for this client: this writes into its boot partition.
      grants.admitTargets([target]);
      // Loaded on use: the ext4 WebAssembly module is only needed when a card is provisioned.
      const { provisionPath } = await import('../provision/provision-target');
      const result = await provisionPath(target, planned.plan);
      return {
        target: result.device,
        mode: result.mode,
        ...(result.hostname ? { hostname: result.hostname } : {}),
        changedBytes: result.changed.reduce((sum, r) => sum + r.length, 0),
      };
    },
    'profiles:list': async () => ({ profiles: await store.list() }),
    'profiles:save': async ({ name, profile }) => ({ saved: await store.save(name, profile) }),
    'profiles:delete': async ({ name }) => ({ deleted: await store.delete(name) }),
    'profiles:import': async ({ text }) => ({ saved: await store.import(text) }),
    'profiles:export': async ({ name }) => {
      const saved = await store.get(name);
      return { fileName: profileFileName(saved.name).replace(/-[0-9a-z]+\.json$/, '.fiot-profile.json'), text: exportProfileText(saved) };
    },
  };
};
