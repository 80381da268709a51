/**
 * Provision a target named by path (an image file or a card that holds an image): what
 * `fiot-flash provision` and the provision:apply channel do. The target is checked here (system,
 * read-only, mounted) before any permission is asked for; then the writer, the only code that
 * opens a card for writing, injects the plan under the card's lock and reads every change back.
 */
import type { Drive } from '../../../shared/domain/drive';
import { checkProvisionTarget } from '../../../shared/domain/provision-target';
import type { ProvisioningPlan } from '../../../shared/provisioning';
import type { ProvisionedResult } from '../../../shared/writer-protocol';
import { resolveTarget } from '../drives/resolve-target';
import { spawnProvision } from '../flash/writer-client';
import { runWriterTask, type WriterTaskDeps } from '../flash/writer-task';

export interface ProvisionDeps extends WriterTaskDeps {
  resolveTarget?: (target: string) => Promise<Drive>;
}

/** Resolve a path named by a person, check it, and provision it. */
export async function provisionPath(target: string, plan: ProvisioningPlan, deps: ProvisionDeps = {}): Promise<ProvisionedResult> {
  const drive = await (deps.resolveTarget ?? resolveTarget)(target);
  checkProvisionTarget(drive);
  return runWriterTask(drive, deps, (command, descriptor, inherited) =>
    spawnProvision({ device: drive.device, ...(descriptor === undefined ? {} : { descriptor }), plan }, command, inherited));
}
