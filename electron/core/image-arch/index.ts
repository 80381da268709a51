/** Which machines an image is for (its ESP's EFI loader), and whether that fits the chosen board. */
export { readImageArch, type ImageArch } from './read-arch';
export { readSourceArch } from './source-arch';
export { boardFitOfDownload, checkBoardFit, findBoard, type BoardCheck } from './board-fit';
