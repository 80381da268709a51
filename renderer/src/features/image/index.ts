/**
 * The Image step: the image to write, from a local file, a download or the image cache (the catalog
 * and build features add their own sources to the step).
 */
import './image.css';
export { ImageStep, ImageSummary, useImageBlocker } from './image-step';
