/**
 * A bar's fill. One whose figure is not known yet slides across at a third of the bar; once known
 * it is a fresh element, so it starts at its figure instead of shrinking from that third (a
 * "0%" over a bar a quarter full).
 */
export function ProgressFill({ percent }: { percent: number | null }) {
  return percent === null
    ? <div key="unknown" className="progress-fill indeterminate" />
    : <div key="known" className="progress-fill" style={{ width: `${percent}%` }} />;
}
