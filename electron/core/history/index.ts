/** The flash history: an append-only log of every card written, whichever front end wrote it. */
export { appendEntries, readEntries, parseEntries, HISTORY_FILE, ROTATED_FILE } from './flash-log';
export { entriesFromFlash, provisioningSummary, type FinishedFlash } from './flash-entries';
export { flashRecorder } from './record-flash';
export { historyCsv, csvField, CSV_COLUMNS } from './csv';
export { exportBatch, batchEntries, type BatchFormat, type BatchExport } from './batch-export';
