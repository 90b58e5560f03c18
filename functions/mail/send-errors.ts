/**
 * What a failed SendRawEmail call means for the email. SES has no idempotency token, so the only errors
 * that may be retried are those that prove SES did not take the email; anything that leaves it open
 * (a response that never came) must not be retried, or the email could arrive twice.
 */
export type SendErrorClass =
  /** SES did not take the email and may take it later: retry with backoff. */
  | 'retry'
  /** SES refused the email and will refuse it again: record the failure and alert. */
  | 'permanent'
  /** Unknown whether SES took the email: never resend automatically. */
  | 'ambiguous';

/** Errors SES answers when it is too busy or the account is over its quota: nothing was sent. */
const THROTTLING = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'SendingPausedException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/** Errors SES answers for an email it will never send as it stands. */
const REFUSED = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'BadRequestException',
  'NotFoundException',
  'InvalidParameterValue',
  'ValidationException',
]);

/** Network errors raised before the request reached the server. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

export function classifySendError(error: unknown): SendErrorClass {
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || status === 429 || status === 503) return 'retry';
  if (e.code && NOT_CONNECTED.has(e.code)) return 'retry';
  // The SDK may wrap a network error in a plain Error that keeps only its text.
  if ([...NOT_CONNECTED].some((code) => new RegExp(`\\b${code}\\b`).test(e.message ?? ''))) return 'retry';
  // The connection timeout fires before any byte of the request is written.
  if (name === 'TimeoutError' && /did not establish a connection/.test(e.message ?? '')) return 'retry';
  if (REFUSED.has(name)) return 'permanent';
  if (status !== undefined && status >= 400 && status < 500 && status !== 408) return 'permanent';
  return 'ambiguous';
}

export function describeError(error: unknown): string {
  const e = (error ?? {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  return (
    [e.name ?? 'Error', e.code, status ? `HTTP ${status}` : undefined].filter(Boolean).join(' ') +
    (e.message ? `: ${e.message}` : '')
  );
}
