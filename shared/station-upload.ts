/**
 * Uploading an image to a station, as the browser and the station both speak it:
 * `PUT /upload/<percent-encoded file name>` with the file as the body, its size as Content-Length,
 * the station's token (its cookie) and the header below; the answer is `201` with an
 * UploadedImage as JSON, or a refusal whose plain-text body says what to do.
 */

export const UPLOAD_PATH_PREFIX = '/upload/';

/**
 * The station's token, sent by the page's own script (never in a cookie, which other ports of
 * the host would see). A header a cross-site page cannot send without a CORS preflight, which the
 * station never grants.
 */
export const UPLOAD_HEADER = 'X-Fiot-Upload';

/** The file as the station saved it: `path` is what the image step chooses. */
export interface UploadedImage {
  path: string;
  name: string;
  size: number;
}
