/** Where every file of a case is stored — its evidence and its documents: under one prefix per case. */
export const CASE_FILES_ROOT = 'cases/';

export function caseFilesPrefix(caseId: string): string {
  return `${CASE_FILES_ROOT}${caseId}/`;
}

/**
 * The tag a closed (or dismissed) case's files carry: the object store's lifecycle moves tagged files to a
 * cheaper storage class (infra/constructs/evidence-bucket.ts). Tags are not the bytes: Object Lock and the
 * files' hashes are untouched.
 */
export const CLOSED_CASE_FILES_TAG = { key: 'case-state', value: 'closed' } as const;
