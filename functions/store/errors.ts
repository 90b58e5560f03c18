/** The case was changed by someone else since it was read. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly caseId: string,
    readonly expectedVersion: number,
  ) {
    super(`case ${caseId} is no longer at version ${expectedVersion}`);
  }
}

/** A write was refused because the item it creates already exists. */
export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
}

/** The idempotency key was already used; the stored record is attached. */
export class IdempotencyKeyTakenError extends Error {
  override readonly name = 'IdempotencyKeyTakenError';
  constructor(readonly key: string) {
    super(`idempotency key ${key} was already used`);
  }
}

/** The opaque cursor a client sent back is not one this service issued. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** The address's list of cases changed since it was read (or exists when it was presumed new): read it again. */
export class AddressCasesChangedError extends Error {
  override readonly name = 'AddressCasesChangedError';
  constructor(readonly addressKey: string) {
    super(`the cases reported at address ${addressKey} changed while this case was being stored`);
  }
}

/** A transaction of several new cases was refused because of these entries (indexes into the batch). */
export class BatchEntriesRefusedError extends Error {
  override readonly name = 'BatchEntriesRefusedError';
  constructor(
    readonly entries: readonly number[],
    readonly codes: readonly string[] = [],
  ) {
    super(
      `the transaction was refused because of batch entries ${entries.join(', ')}` +
        (codes.length ? ` (${codes.join(', ')})` : ''),
    );
  }
}
