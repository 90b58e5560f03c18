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
