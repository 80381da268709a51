/** Provisioning on the Node side: inspection and injection into cards and image files. */
export { injectProvisioning, IGNITION_CONFIG, IGNITION_DIR, type InjectResult } from './inject';
export { inspectImageForProvisioning, type ProvisioningTargetInfo } from './inspect';
export { type BlockIO, type ByteRange, mergeRanges } from './block-io';
export { openBlockIO, type OpenBlockIO } from './file-io';
export { hashPassword } from './password-hash';
