/**
 * An image uploaded from this browser to the station it is talking to (only a station's page has
 * this: the desktop app reads local files directly). The name is checked here first by the
 * station's own rule, so a wrong one is refused before a byte is sent; progress is measured like a
 * download's; once saved, the image becomes the one chosen.
 */
import { createStore } from 'zustand/vanilla';
import { uploadNameProblem } from '../../../../shared/image-file-name';
import { ProgressMeter } from '../../../../shared/progress-meter';
import type { TransferProgress } from '../../../../shared/domain/transfer';
import type { UploadedImage } from '../../../../shared/station-upload';
import { UploadCancelled, type SendUpload, type UploadHandle } from '../../transport/station-upload';

export interface UploadState {
  /** False in the desktop app, where nothing needs uploading. */
  available: boolean;
  status: 'idle' | 'uploading' | 'done' | 'failed' | 'cancelled';
  name: string | null;
  progress: TransferProgress | null;
  /** Why the upload was refused or failed, in the words to show. */
  error: string | null;
  /** True once the file is saved on the station and chosen. */
  start(file: File): Promise<boolean>;
  cancel(): void;
}

/** `send` is null where uploads do not exist; `chooseUploaded` makes the saved file the chosen image. */
export function createUploadStore(send: SendUpload | null, chooseUploaded: (image: UploadedImage) => Promise<unknown>, now: () => number = Date.now) {
  let current: UploadHandle | null = null;
  return createStore<UploadState>()((set, get) => ({
    available: send !== null,
    status: 'idle',
    name: null,
    progress: null,
    error: null,

    async start(file) {
      if (!send || get().status === 'uploading') return false;
      const problem = file.size === 0 ? `“${file.name}” is empty: there is no image in it.` : uploadNameProblem(file.name);
      if (problem) {
        set({ status: 'failed', name: file.name, progress: null, error: problem });
        return false;
      }
      const meter = new ProgressMeter(now);
      set({ status: 'uploading', name: file.name, progress: meter.sample(0, file.size), error: null });
      current = send(file, (sent) => set({ progress: meter.sample(sent, file.size) }));
      try {
        await chooseUploaded(await current.done);
        set({ status: 'done' });
        return true;
      } catch (error) {
        if (error instanceof UploadCancelled) set({ status: 'cancelled', progress: null });
        else set({ status: 'failed', error: (error as Error).message });
        return false;
      } finally {
        current = null;
      }
    },

    cancel() {
      current?.cancel();
    },
  }));
}

export type UploadStore = ReturnType<typeof createUploadStore>;
