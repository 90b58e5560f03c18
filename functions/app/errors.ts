/**
 * What the application services refuse, in their own words. The HTTP layer maps each to a status code;
 * nothing here knows about HTTP.
 */

/** The case does not exist, or the person asking may not know that it does. */
export class CaseNotFoundError extends Error {
  override readonly name = 'CaseNotFoundError';
  constructor(readonly caseId: string) {
    super(`case ${caseId} was not found`);
  }
}

/** The person's role may not take this action on this case. */
export class RoleRefusedError extends Error {
  override readonly name = 'RoleRefusedError';
}

/** The procedure does not allow the action in the case's current state. */
export class TransitionRefusedError extends Error {
  override readonly name = 'TransitionRefusedError';
  constructor(
    readonly reason: string,
    readonly currentVersion: number,
  ) {
    super(reason);
  }
}

/** The client acted on a version of the case that is no longer current. */
export class StaleVersionError extends Error {
  override readonly name = 'StaleVersionError';
  constructor(
    readonly caseId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number | undefined,
  ) {
    super(
      currentVersion === undefined
        ? `case ${caseId} changed while the action was being recorded; read it again and retry`
        : `case ${caseId} is at version ${currentVersion}, not ${expectedVersion}; read it again and retry`,
    );
  }
}

/** An input that is well-formed but wrong for this case (e.g. an extension that shortens the deadline). */
export class ActionInputError extends Error {
  override readonly name = 'ActionInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The Idempotency-Key was first used with a different request body. */
export class IdempotencyMismatchError extends Error {
  override readonly name = 'IdempotencyMismatchError';
}

/** The first request with this Idempotency-Key has not finished yet. */
export class RequestInFlightError extends Error {
  override readonly name = 'RequestInFlightError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** `cursor-key`: the secret that seals cursors, read from Secrets Manager on a paging function's first cursor. */
export type DependencyPart = 'database' | 'workflow-engine' | 'mail' | 'cursor-key' | 'object-store';

/** A service the application depends on is down, unreachable or timing out. */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  constructor(
    readonly part: DependencyPart,
    message: string,
    readonly retryAfterSeconds = 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The dependency refused because of load: the client should slow down. */
export class ThrottledError extends Error {
  override readonly name = 'ThrottledError';
  constructor(
    readonly part: DependencyPart,
    options?: { cause?: unknown },
  ) {
    super(`the ${part} is throttling requests`, options);
  }
}

/** A report in a sub-district outside the reporter's or officer's scope. */
export class OutsideScopeError extends Error {
  override readonly name = 'OutsideScopeError';
  constructor(
    readonly field: string,
    readonly subdistrict: string,
  ) {
    super(`you act only in your own sub-districts; ${subdistrict} is not one of them`);
  }
}

/** A list or report of a sub-district the caller may not see: to them it does not exist (404). */
export class SubdistrictNotFoundError extends Error {
  override readonly name = 'SubdistrictNotFoundError';
  constructor(readonly subdistrict: string) {
    super(`there are no cases of sub-district ${subdistrict} for you`);
  }
}

/**
 * A document number the case does not have: 400 naming `number`, as for an evidence id (a case the caller
 * may not see is CaseNotFoundError, 404).
 */
export class DocumentNotFoundError extends Error {
  override readonly name = 'DocumentNotFoundError';
  constructor(
    readonly caseId: string,
    readonly number: string,
  ) {
    super(`case ${caseId} has no document ${number}`);
  }
}
