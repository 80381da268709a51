/** Fleet days: series and device tables, the batch summary, station mode, restoring a card. */
export { SeriesTableControls } from './series-table-controls';
export { BatchSummary } from './batch-summary';
export { batchBlocker, createFleetStore, type FleetState } from './fleet-store';
export { createBenchStore, type BenchState } from './bench-store';
export { createRestoreStore, type RestoreState } from './restore-store';
export { createToolStore, type ToolState } from './tool-store';
export { FleetToolButtons, FleetToolView } from './fleet-tools';
