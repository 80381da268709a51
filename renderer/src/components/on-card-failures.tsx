import type { OnCardReport } from '../../../shared/domain/on-card';
import { ErrorNotice } from './error-notice';

/** The on-card command's failures for a finished job, never hidden: one notice naming each card. */
export function OnCardFailures({ reports }: { reports: OnCardReport[] | undefined }) {
  const failed = (reports ?? []).filter((report) => !report.ok);
  if (failed.length === 0) return null;
  return <ErrorNotice error={{ code: 'ON_CARD_FAILED', message: failed.map((report) => report.message).join('\n') }} testId="on-card-failures" />;
}
