/**
 * Sends a file to the station (`PUT /upload/<name>`, shared/station-upload.ts) with the browser's
 * XMLHttpRequest: of the browser's ways to send a request, the one that reports upload progress
 * and can be aborted mid-body over HTTP/1.1. The token goes in the upload header, from the page's
 * own URL (the station's cookie opens only the app's files).
 */
import { UPLOAD_HEADER, UPLOAD_PATH_PREFIX, type UploadedImage } from '../../../shared/station-upload';
import { stationToken } from './station-token';

export interface UploadHandle {
  /** The saved image; rejects with an Error whose message the page shows, or with UploadCancelled. */
  done: Promise<UploadedImage>;
  /** Aborts the request: the station then removes what it received. */
  cancel(): void;
}

export type SendUpload = (file: File, onProgress: (sentBytes: number) => void) => UploadHandle;

export class UploadCancelled extends Error {}

export const sendUploadToStation: SendUpload = (file, onProgress) => {
  const request = new XMLHttpRequest();
  const done = new Promise<UploadedImage>((resolve, reject) => {
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => {
      if (request.status === 201) resolve(JSON.parse(request.responseText) as UploadedImage);
      else reject(new Error(request.responseText.trim() || `The station refused the upload (HTTP ${request.status}).`));
    };
    request.onerror = () => reject(new Error('The connection to the station was lost during the upload; nothing was kept. Check the network and upload the file again.'));
    request.onabort = () => reject(new UploadCancelled('Upload cancelled.'));
  });
  request.open('PUT', UPLOAD_PATH_PREFIX + encodeURIComponent(file.name));
  request.setRequestHeader(UPLOAD_HEADER, stationToken() ?? '');
  request.send(file);
  return { done, cancel: () => request.abort() };
};
