/**
 * Building a raw disk image from a bootc container with bootc-image-builder: what a build asks
 * for, what it reports while running, and what it leaves behind. Pure data, shared by the core,
 * the CLI and the UI.
 */
import { z } from 'zod';
import { errorInfoSchema } from '../errors';
import { userSchema } from '../provisioning/profile';
import { parseContainerRef } from './container-ref';

/** Board architectures the builder can target (bootc-image-builder spells them arm64/amd64). */
export const buildArchSchema = z.enum(['aarch64', 'x86_64']);
export type BuildArch = z.infer<typeof buildArchSchema>;

/** Root filesystems offered; Fedora's images carry no default, so one is always passed. */
export const buildRootfsSchema = z.enum(['ext4', 'xfs']);
export type BuildRootfs = z.infer<typeof buildRootfsSchema>;

const REGISTRY_HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$/;

/**
 * A container reference as podman takes it. Checked strictly because it lands in a privileged
 * command line: it must parse as a reference, and nothing in it may read as a flag.
 */
export const containerReferenceSchema = z
  .string()
  .trim()
  .min(1)
  .max(512)
  .refine((value) => {
    try {
      const ref = parseContainerRef(value);
      return !/\s/.test(value) && REGISTRY_HOST.test(ref.registry) && !value.startsWith('-');
    } catch {
      return false;
    }
  }, 'must be a container image reference such as quay.io/fedora/fedora-iot:42');

/** What goes into the builder's config.toml. Without an Ignition setting a built image never runs Ignition. */
export const buildCustomizationsSchema = z.object({
  users: z.array(userSchema).default([]),
  kernelAppend: z.string().optional(),
  /** An Ignition config embedded in the image, run on its first boot. */
  ignitionConfig: z.record(z.string(), z.unknown()).optional(),
  /** Or an Ignition config fetched from this URL on first boot (the two are exclusive). */
  ignitionUrl: z.string().url().optional(),
});
export type BuildCustomizations = z.input<typeof buildCustomizationsSchema>;

export const buildRequestSchema = z.object({
  reference: containerReferenceSchema,
  arch: buildArchSchema,
  rootfs: buildRootfsSchema.default('ext4'),
  /** Also leave <outputDir>/image/disk.raw here; without it the build stays in the cache only. */
  outputDir: z.string().min(1).optional(),
  /**
   * A provisioning profile (shared/provisioning): its users go into the image at build time, and
   * its Ignition config (or Ignition URL) runs on the image's first boot.
   */
  profile: z.unknown().optional(),
  /** The value of {n} in the profile's hostname pattern: a build is one image. */
  counterStart: z.number().int().nonnegative().default(1),
  /** Extra kernel arguments for every boot of the built image. */
  kernelAppend: z.string().regex(/^[\x20-\x7e]*$/, 'must be printable characters on one line').optional(),
});
export type BuildRequest = z.input<typeof buildRequestSchema>;
export type ParsedBuildRequest = z.output<typeof buildRequestSchema>;

/** One line of the preflight checklist: what was checked and, when it failed, what to do. */
export const preflightCheckSchema = z.object({
  id: z.enum(['podman', 'podman-version', 'rootful', 'disk-space', 'architecture', 'builder-image']),
  label: z.string(),
  ok: z.boolean(),
  detail: z.string().optional(),
  fix: z.string().optional(),
});
export type PreflightCheck = z.infer<typeof preflightCheckSchema>;

export const buildPhaseSchema = z.enum(['preflight', 'pulling', 'manifest', 'buildroot', 'selinux', 'deploying', 'image', 'finishing', 'done']);
export type BuildPhase = z.infer<typeof buildPhaseSchema>;

export const buildProgressSchema = z.object({
  buildId: z.string(),
  phase: buildPhaseSchema,
  /** An estimate from the builder's stage markers; it only moves forward. */
  percent: z.number().min(0).max(100),
  message: z.string(),
});
export type BuildProgress = z.infer<typeof buildProgressSchema>;

export const buildLogSchema = z.object({
  buildId: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
});
export type BuildLogLine = z.infer<typeof buildLogSchema>;

export const buildStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export type BuildStatus = z.infer<typeof buildStatusSchema>;

export const buildRecordSchema = z.object({
  id: z.string(),
  reference: z.string(),
  arch: buildArchSchema,
  rootfs: buildRootfsSchema,
  status: buildStatusSchema,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** The container image's digest as podman pulled it, when known. */
  digest: z.string().optional(),
  /** The built raw image in the cache: what flash and provisioning take as their source. */
  imagePath: z.string().optional(),
  /** sha256 of the built image: its identity in the image cache. */
  sha256: z.string().optional(),
  /** The copy left in --output DIR, when one was asked for. */
  outputPath: z.string().optional(),
  error: errorInfoSchema.optional(),
});
export type BuildRecord = z.infer<typeof buildRecordSchema>;

export const buildDoneSchema = z.object({
  buildId: z.string(),
  ok: z.boolean(),
  record: buildRecordSchema,
  preflight: z.array(preflightCheckSchema).default([]),
});
export type BuildDone = z.infer<typeof buildDoneSchema>;
