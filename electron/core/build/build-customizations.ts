/**
 * A provisioning profile in, the builder's customizations out. The profile's users are created
 * in the image at build time (so a login works even before first boot), and its Ignition config,
 * the same one a flashed card gets, is embedded to run on the built image's first boot (a
 * bootc-built raw image never runs Ignition without one). URL mode becomes the builder's
 * first-boot Ignition URL.
 */
import type { BuildCustomizations } from '../../../shared/domain/build';
import { FiotError } from '../../../shared/errors';
import { bootKernelArguments, checkProfile, generateIgnition, isEmptyProfile, profileMode } from '../../../shared/provisioning';

/** `n` is the counter value for hostname patterns: a built image is one image, number `n`. */
export function customizationsFromProfile(profileInput: unknown, kernelAppend?: string, n = 1): BuildCustomizations {
  const customizations: BuildCustomizations = { users: [], ...(kernelAppend ? { kernelAppend } : {}) };
  if (profileInput === undefined || profileInput === null) return customizations;
  const { profile, problems } = checkProfile(profileInput);
  if (!profile) {
    const first = problems[0];
    throw new FiotError('INVALID_INPUT', `Provisioning: ${first ? first.message : 'the profile is not valid'}`);
  }
  const mode = profileMode(profile);
  if (mode === 'zezere') {
    throw new FiotError('ZEZERE_UNSUPPORTED', 'An image built from a container cannot use Zezere: it has no zezere-ignition.', 'Use an Ignition config or an Ignition URL for built images.');
  }
  if (mode === 'url') return { ...customizations, ignitionUrl: profile.ignitionUrl };
  if (isEmptyProfile(profile)) return customizations;
  // The builder's kernel line, not Ignition's kernelArguments (which Fedora IoT cannot apply).
  const append = [kernelAppend, ...bootKernelArguments(profile)].filter(Boolean).join(' ');
  return {
    ...customizations,
    ...(append ? { kernelAppend: append } : {}),
    users: profile.users,
    ignitionConfig: generateIgnition(profile, n) as unknown as Record<string, unknown>,
  };
}
