/**
 * Profile in, per-card plan out. A plan is what crosses to the writer process (plain JSON): the
 * exact config text for this card, or the URL the card should fetch its config from.
 * Every check happens here, before anything is written.
 */
import { z } from 'zod';
import type { CheckinCard } from './checkin-unit';
import { bootKernelArguments, generateIgnition, ignitionText, type IgnitionConfig } from './generate-ignition';
import { expandHostname } from './hostname';
import { problem, type Problem } from './problem';
import { isEmptyProfile, KERNEL_ARG, profileMode, profileSchema, type Profile } from './profile';
import { parseIgnitionText, validateIgnition } from './validate-ignition';

export const provisioningPlanSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('config'), hostname: z.string().optional(), configText: z.string(),
    /** For the `options` line of the card's boot entries (see bootKernelArguments). */
    kernelArguments: z.array(z.string().regex(KERNEL_ARG)).optional(),
  }),
  z.object({ mode: z.literal('url'), url: z.string() }),
  z.object({ mode: z.literal('zezere'), url: z.string() }),
]);
export type ProvisioningPlan = z.infer<typeof provisioningPlanSchema>;

function issuesToProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => problem(issue.path.join('.') || 'profile', issue.message));
}

/** Rules across fields: URL and Zezere modes hand the whole config to a server. */
function crossFieldProblems(profile: Profile): Problem[] {
  const problems: Problem[] = [];
  if (profile.ignitionUrl && profile.zezereUrl) {
    problems.push(problem('zezereUrl', 'cannot be combined with ignitionUrl: choose one place the card gets its config from'));
  }
  const mode = profileMode(profile);
  if (mode !== 'config') {
    const field = mode === 'url' ? 'ignitionUrl' : 'zezereUrl';
    const used: Record<string, boolean> = {
      hostname: Boolean(profile.hostname), users: profile.users.length > 0, wifi: Boolean(profile.wifi),
      timezone: Boolean(profile.timezone), staticIp: Boolean(profile.staticIp), files: profile.files.length > 0,
      units: profile.units.length > 0, bootcSwitch: Boolean(profile.bootcSwitch), kernelArguments: profile.kernelArguments.length > 0, mergeConfig: profile.mergeConfig !== undefined,
      wifiCountry: Boolean(profile.wifiCountry), keymap: Boolean(profile.keymap), locale: Boolean(profile.locale),
    };
    const generatedFields = Object.keys(used).filter((key) => used[key]);
    if (generatedFields.length) {
      problems.push(problem(field, `the config at this URL decides everything, so ${generatedFields.join(', ')} would be ignored; remove them, or merge that config instead`));
    }
  }
  return problems;
}

/** Parses and checks a profile; `profile` is set only when there are no problems. */
export function checkProfile(input: unknown): { profile?: Profile; problems: Problem[] } {
  const parsed = profileSchema.safeParse(input ?? {});
  if (!parsed.success) return { problems: issuesToProblems(parsed.error) };
  const problems = crossFieldProblems(parsed.data);
  if (parsed.data.mergeConfig !== undefined) problems.push(...parseIgnitionText(parsed.data.mergeConfig, 'mergeConfig').problems);
  return problems.length ? { problems } : { profile: parsed.data, problems };
}

/** The config and its problems for card `n` (problems from our validator on the generated config). */
export function previewIgnition(profile: Profile, n: number, checkin?: CheckinCard): { config: IgnitionConfig; text: string; problems: Problem[] } {
  const config = generateIgnition(profile, n, checkin);
  return { config, text: ignitionText(config), problems: validateIgnition(config) };
}

/**
 * The plan for card `n`; throws nothing, returns problems instead, so every caller can name the
 * field. `checkin`: the card also reports that it came up (the config the app writes carries it).
 */
export function planForCard(profile: Profile, n: number, checkin?: CheckinCard): { plan?: ProvisioningPlan; problems: Problem[] } {
  const mode = profileMode(profile);
  if (mode !== 'config' && checkin) {
    return { problems: [problem('checkin', `needs the config this app writes, and ${mode === 'url' ? 'the URL' : 'Zezere'} decides the card's config: turn the check-in off`)] };
  }
  if (mode === 'url') return { plan: { mode, url: profile.ignitionUrl! }, problems: [] };
  if (mode === 'zezere') return { plan: { mode, url: profile.zezereUrl! }, problems: [] };
  if (isEmptyProfile(profile) && !checkin) return { problems: [problem('profile', 'asks for nothing to set up: fill in at least one setting, or turn first-boot setup off')] };
  const { text, problems } = previewIgnition(profile, n, checkin);
  if (problems.length) return { problems };
  const hostname = profile.hostname ? expandHostname(profile.hostname, n) : undefined;
  const kernelArguments = bootKernelArguments(profile);
  return { plan: { mode, configText: text, ...(hostname ? { hostname } : {}), ...(kernelArguments.length ? { kernelArguments } : {}) }, problems: [] };
}

/** Plans for cards counterStart, counterStart+1, …; all or nothing. */
export function plansForRun(input: unknown, cards: number, counterStart = 1): { plans?: ProvisioningPlan[]; problems: Problem[] } {
  const { profile, problems } = checkProfile(input);
  if (!profile) return { problems };
  const plans: ProvisioningPlan[] = [];
  for (let i = 0; i < cards; i++) {
    const result = planForCard(profile, counterStart + i);
    if (!result.plan) return { problems: result.problems };
    plans.push(result.plan);
  }
  return { plans, problems: [] };
}
