import type { ReactNode } from 'react';
import { errorCatalog, isErrorCode } from '../../../shared/errors';

/** ErrorInfo, or an error as a flash result carries it (its code typed as a plain string). */
interface ErrorLike {
  code: string;
  message: string;
  hint?: string;
}

interface ErrorNoticeProps {
  error: ErrorLike;
  testId?: string;
  /** Buttons for the next action (Retry, another source...), shown under the hint. */
  children?: ReactNode;
}

/** A failure in plain words: what happened (the code's title), the detail, and what to do next. */
export function ErrorNotice({ error, testId, children }: ErrorNoticeProps) {
  const title = isErrorCode(error.code) ? errorCatalog[error.code].title : 'Something went wrong';
  const hint = error.hint ?? (isErrorCode(error.code) ? errorCatalog[error.code].hint : undefined);
  return (
    <div className="notice notice-error" role="alert" data-testid={testId ?? 'error-notice'} data-code={error.code}>
      <strong className="notice-title">{title}</strong>
      {error.message && error.message !== title && <p className="notice-message">{error.message}</p>}
      {hint && <p className="notice-hint">{hint}</p>}
      {children && <div className="row notice-actions">{children}</div>}
    </div>
  );
}
