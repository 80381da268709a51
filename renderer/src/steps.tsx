/**
 * The flow, listed once: each step has a panel, a one-line summary for the step list, and whether
 * its choice is made. Features add a step here (e.g. provisioning between drives and write).
 */
import type { ComponentType } from 'react';
import { ImageStep, ImageSummary, useImageBlocker } from './features/image';
import { DrivesStep, DrivesSummary, useDrivesBlocker } from './features/drives';
import { WriteStep, WriteSummary, useWriteBlocker } from './features/write';
import { ProvisioningStep, ProvisioningSummary, useProvisioningBlocker, useProvisioningNote } from './features/provisioning';
import type { StepBlocker } from './shell/step-blocker';
import type { MediumWords } from './features/write/device-words';

export interface StepDefinition {
  id: string;
  title: string;
  /** One sentence under the title, saying what this step is for, in the words of the board chosen. */
  lead(medium: MediumWords): string;
  Panel: ComponentType;
  Summary: ComponentType;
  /** Null once this step's choice is made (the next step can open), else what is missing. */
  useBlocker(): StepBlocker | null;
  /**
   * What is still missing although Continue may be used (a card with no way to log in): said in
   * the footer, and the step gets no ✓ while it holds. Null when nothing is missing.
   */
  useNote(): string | null;
}

const noNote = (): null => null;

export const steps: StepDefinition[] = [
  { id: 'image', title: 'Image', lead: () => 'Choose the disk image to write.', Panel: ImageStep, Summary: ImageSummary, useBlocker: useImageBlocker, useNote: noNote },
  { id: 'provisioning', title: 'First boot', lead: (m) => `Fedora IoT has no user to log in as until one is made here: set each ${m.one} up on its first boot (name, user, SSH keys, Wi-Fi).`, Panel: ProvisioningStep, Summary: ProvisioningSummary, useBlocker: useProvisioningBlocker, useNote: useProvisioningNote },
  { id: 'drives', title: 'Drives', lead: (m) => `Choose the ${m.many} to write. The image is written over them: the files on them now are lost.`, Panel: DrivesStep, Summary: DrivesSummary, useBlocker: useDrivesBlocker, useNote: noNote },
  { id: 'write', title: 'Write', lead: () => 'Write the image, check every byte, and see the result.', Panel: WriteStep, Summary: WriteSummary, useBlocker: useWriteBlocker, useNote: noNote },
];
