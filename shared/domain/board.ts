import { z } from 'zod';

export const archSchema = z.enum(['aarch64', 'x86_64']);
export type Arch = z.infer<typeof archSchema>;

/**
 * How an image reaches a board:
 * - `published-raw`: Fedora's ready-made raw image, written as is.
 * - `bootc-built-raw`: a raw image built locally from a bootc container (bootc-image-builder);
 *   only UEFI machines boot those, because the built image carries no board firmware.
 * - `published-raw+bootc-switch`: the published raw image (which carries the Raspberry Pi firmware),
 *   told to `bootc switch` to the container at first boot.
 */
export const deliverySchema = z.enum(['published-raw', 'bootc-built-raw', 'published-raw+bootc-switch']);
export type Delivery = z.infer<typeof deliverySchema>;

/** One plain sentence per delivery, shared by the UI and the CLI so both explain it the same way. */
export const deliveryExplained: Record<Delivery, string> = {
  'published-raw': 'Ready-made Fedora IoT image: written as is.',
  'bootc-built-raw': 'Disk image built on this computer from the container, then written.',
  'published-raw+bootc-switch': 'Ready-made Fedora IoT image, which switches to this container at first boot.',
};

/** A few plain words per delivery, for a table column where the sentence does not fit. */
export const deliveryInWords: Record<Delivery, string> = {
  'published-raw': 'ready-made image',
  'bootc-built-raw': 'built here from the container',
  'published-raw+bootc-switch': 'ready-made image, switches at first boot',
};

/**
 * - `supported`: one of Fedora IoT's reference platforms: Fedora builds and tests images for it;
 *   they boot as written.
 * - `community`: Fedora's image boots it as written and people run it, but it is not a reference
 *   platform, so Fedora does not test it (the Pi Zero 2 W).
 * - `needs-firmware`: Fedora's image runs, but the board first needs its own U-Boot on SPI flash or
 *   eMMC (or written at a fixed offset by arm-image-installer), which this app cannot provide.
 * - `unsupported`: not a Fedora target; listed so people holding one learn why.
 */
export const supportLevelSchema = z.enum(['supported', 'community', 'needs-firmware', 'unsupported']);
export type SupportLevel = z.infer<typeof supportLevelSchema>;

export const boardSchema = z.object({
  /** Short id used on the command line and in catalog references (`fedora-iot:42@rpi4`). */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
  name: z.string().min(1),
  /** Other names people know the board by, for search. */
  aliases: z.array(z.string()).default([]),
  arch: archSchema,
  support: supportLevelSchema,
  /** Things a user needs to know, each a short sentence. */
  notes: z.array(z.string()).default([]),
  /** Deliveries that produce a card this board boots; empty for unsupported boards. */
  deliveries: z.array(deliverySchema),
});
export type Board = z.infer<typeof boardSchema>;

export const boardListSchema = z.object({ boards: z.array(boardSchema).min(1) });
