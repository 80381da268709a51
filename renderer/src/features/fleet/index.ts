/** Fleet days: numbering and device tables, the batch summary, the card bench, restoring a card. */
export { SeriesTableControls } from './series-table-controls';
export { BatchSummary } from './batch-summary';
export { batchBlocker } from './fleet-store';
export { FleetToolButtons, FleetToolView } from './fleet-tools';
export { useShownRow, useTableFacts, type ShownRow } from './table-rows';
