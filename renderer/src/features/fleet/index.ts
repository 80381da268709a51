/** Fleet days: series and device tables, the batch summary, station mode, restoring a card. */
export { SeriesTableControls } from './series-table-controls';
export { BatchSummary } from './batch-summary';
export { batchBlocker } from './fleet-store';
export { FleetToolButtons, FleetToolView } from './fleet-tools';
export { useShownRow, useTableFacts, type ShownRow } from './table-rows';
