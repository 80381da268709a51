/** The history feature: "what went where", opened from the top bar, with a CSV export. */
import './history.css';
export { HistoryButton, HistoryView } from './history-view';
