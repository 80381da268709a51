/**
 * A build's percent, estimated from the lines bootc-image-builder prints with --progress verbose:
 * podman's pull, the builder's own messages, then osbuild's pipelines and stages. The weights follow
 * Podman Desktop's bootc extension (rpm 8, selinux 25, ostree.config 48, qemu 59, done 98) with the
 * stages a raw bootc build prints in between. The estimate never goes backwards.
 */
import type { BuildPhase } from '../../../shared/domain/build';

interface Marker {
  test: (line: string) => boolean;
  phase: BuildPhase;
  percent: number;
  message: string;
}

const has = (text: string) => (line: string) => line.includes(text);

const markers: Marker[] = [
  { test: (l) => /^Trying to pull |^Copying (blob|config) |^Writing manifest to image destination/.test(l), phase: 'pulling', percent: 2, message: 'Pulling images' },
  { test: has('Generating manifest'), phase: 'manifest', percent: 5, message: 'Planning the image' },
  { test: (l) => /^Pipeline build:|org\.osbuild\.rpm|org\.osbuild\.container-deploy/.test(l), phase: 'buildroot', percent: 8, message: 'Preparing the build root' },
  { test: has('org.osbuild.selinux'), phase: 'selinux', percent: 25, message: 'Labelling files for SELinux' },
  { test: (l) => /^Pipeline (image|ostree-deployment):|org\.osbuild\.truncate|org\.osbuild\.sfdisk|org\.osbuild\.mkfs/.test(l), phase: 'deploying', percent: 35, message: 'Partitioning the disk' },
  { test: (l) => /org\.osbuild\.bootc\.install-to-filesystem|org\.osbuild\.ostree\.deploy/.test(l), phase: 'deploying', percent: 42, message: 'Installing the container onto the disk' },
  { test: has('org.osbuild.ostree.config'), phase: 'deploying', percent: 48, message: 'Configuring the deployment' },
  { test: (l) => /org\.osbuild\.qemu|^Pipeline (raw|qcow2):/.test(l), phase: 'image', percent: 59, message: 'Writing the disk image' },
  { test: has('Build complete!'), phase: 'finishing', percent: 98, message: 'Build complete, collecting the image' },
];

export interface ProgressEstimate {
  phase: BuildPhase;
  percent: number;
  message: string;
}

export class BuildProgressEstimator {
  private current: ProgressEstimate = { phase: 'preflight', percent: 0, message: 'Checking this machine' };

  get estimate(): ProgressEstimate {
    return this.current;
  }

  /** Moves to a phase the job itself knows about (preflight, pulling, done). */
  set(phase: BuildPhase, percent: number, message: string): ProgressEstimate | null {
    if (percent < this.current.percent) return null;
    this.current = { phase, percent, message };
    return this.current;
  }

  /** Feeds one log line; returns the new estimate when it moved forward, else null. */
  observe(line: string): ProgressEstimate | null {
    for (let i = markers.length - 1; i >= 0; i--) {
      const marker = markers[i]!;
      if (marker.percent > this.current.percent && marker.test(line)) {
        return this.set(marker.phase, marker.percent, marker.message);
      }
    }
    return null;
  }
}
