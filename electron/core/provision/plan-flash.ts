/**
 * Provisioning for a flash run, planned before the writer starts: one plan per target, in
 * --drive order, {n} counting from counterStart; then the source image is checked for what the
 * plans need. Any problem stops the run before a card is touched.
 */
import type { Drive } from '../../../shared/domain/drive';
import { FiotError } from '../../../shared/errors';
import { plansForRun, type ProvisioningPlan } from '../../../shared/provisioning';
import type { SourceInfo } from '../flash/source';
import { checkSourceForProvisioning } from './source-check';

export interface TargetPlan {
  plan: ProvisioningPlan;
  hostname?: string;
}

export async function planFlashProvisioning(
  request: { provisioning?: unknown; counterStart: number },
  drives: Drive[],
  source?: SourceInfo,
): Promise<TargetPlan[]> {
  const { plans, problems } = plansForRun(request.provisioning, drives.length, request.counterStart);
  if (!plans) throw new FiotError('INVALID_INPUT', problems.map((p) => p.message).join('\n'));
  if (source && plans[0]) await checkSourceForProvisioning(source, plans[0].mode);
  return plans.map((plan) => ({ plan, ...(plan.mode === 'config' && plan.hostname ? { hostname: plan.hostname } : {}) }));
}
