/** The images feature: the Download and Cached images sources of the image step. */
import './images.css';
export { DownloadSource } from './download-source';
export { CacheView } from './cache-view';
export { VerificationBadge } from './verification-badge';
