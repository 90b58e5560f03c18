import type { DependencyPart } from './errors';
import { DependencyUnavailableError, ThrottledError } from './errors';

const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'Throttling',
  'ThrottledException',
]);

const UNAVAILABLE = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceException',
  'AbortError',
  'UnknownEndpoint',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
/** The SDK sometimes keeps only the message of a socket error (it wraps values it cannot recognise as Errors). */
const NETWORK_MESSAGE =
  /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EPIPE|ETIMEDOUT|EHOSTUNREACH|EAI_AGAIN|ECONNABORTED)\b|socket hang up/;

interface SdkLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: { Code?: string }[];
  cause?: unknown;
}

/**
 * Recognises the errors by which an SDK or a local part says it is down, overloaded or too slow, and
 * names them as the dependency being unavailable. Anything else is not a dependency failure.
 */
export function asDependencyError(
  error: unknown,
  part: DependencyPart,
): DependencyUnavailableError | ThrottledError | undefined {
  if (error instanceof DependencyUnavailableError || error instanceof ThrottledError) return error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkLikeError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const reasons = (e.CancellationReasons ?? []).map((r) => r.Code);
  if (THROTTLING.has(name) || status === 429 || reasons.includes('ThrottlingError'))
    return new ThrottledError(part, { cause: error });
  const networkFailure = (e.code !== undefined && NETWORK_CODES.has(e.code)) || NETWORK_MESSAGE.test(e.message ?? '');
  if (UNAVAILABLE.has(name) || (status !== undefined && status >= 500) || networkFailure) {
    return new DependencyUnavailableError(
      part,
      `the ${part} did not answer (${e.code ?? NETWORK_MESSAGE.exec(e.message ?? '')?.[0] ?? name})`,
      2,
      { cause: error },
    );
  }
  if (e.cause && e.cause !== error) return asDependencyError(e.cause, part);
  return undefined;
}

/** Runs a call to a dependency, naming the dependency when it fails for availability reasons. */
export async function callDependency<T>(part: DependencyPart, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asDependencyError(error, part) ?? error;
  }
}

/**
 * Runs a call to the workflow engine. The engine port reports a step that already ended as `stale`
 * rather than failing, so any failure means the engine could not be reached or did not answer.
 */
export async function callEngine<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const known = asDependencyError(error, 'workflow-engine');
    if (known) throw known;
    const message = error instanceof Error ? error.message : String(error);
    throw new DependencyUnavailableError('workflow-engine', `the workflow engine could not ${what}: ${message}`, 2, {
      cause: error,
    });
  }
}
