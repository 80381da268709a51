/**
 * The flow, listed once: each step has a panel, a one-line summary for the step list, and whether
 * its choice is made. Features add a step here (e.g. provisioning between drives and write).
 */
import type { ComponentType } from 'react';
import { ImageStep, ImageSummary, useImageReady } from './features/image';
import { DrivesStep, DrivesSummary, useDrivesReady } from './features/drives';
import { WriteStep, WriteSummary, useWriteReady } from './features/write';
import { ProvisioningStep, ProvisioningSummary, useProvisioningReady } from './features/provisioning';

export interface StepDefinition {
  id: string;
  title: string;
  /** One sentence under the title, saying what this step is for. */
  lead: string;
  Panel: ComponentType;
  Summary: ComponentType;
  /** True once this step's choice is made, so the next step can open. */
  useReady(): boolean;
}

export const steps: StepDefinition[] = [
  { id: 'image', title: 'Image', lead: 'Choose the disk image to write.', Panel: ImageStep, Summary: ImageSummary, useReady: useImageReady },
  { id: 'provisioning', title: 'First boot', lead: 'Optionally set each card up on its first boot: name, user, SSH keys, Wi-Fi.', Panel: ProvisioningStep, Summary: ProvisioningSummary, useReady: useProvisioningReady },
  { id: 'drives', title: 'Drives', lead: 'Choose the cards or sticks to write. Everything on them will be erased.', Panel: DrivesStep, Summary: DrivesSummary, useReady: useDrivesReady },
  { id: 'write', title: 'Write', lead: 'Write the image, check every byte, and see the result.', Panel: WriteStep, Summary: WriteSummary, useReady: useWriteReady },
];
