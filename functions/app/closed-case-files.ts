import { CLOSED_CASE_FILES_TAG, caseFilesPrefix } from '#domain/case-files';
import type { ObjectStore } from '#objects/object-store';

/** What marking a case's files takes: listing them and tagging each. */
export type CaseFiles = Pick<ObjectStore, 'keys' | 'tag'>;

/**
 * Tags every file of a case that has closed, so the object store's lifecycle moves them to a cheaper
 * storage class. Tagging again sets the same tag: a repeated run is harmless. Answers how many files.
 */
export async function markClosedCaseFiles(files: CaseFiles, caseId: string): Promise<number> {
  let marked = 0;
  for await (const key of files.keys(caseFilesPrefix(caseId))) {
    await files.tag(key, { [CLOSED_CASE_FILES_TAG.key]: CLOSED_CASE_FILES_TAG.value });
    marked += 1;
  }
  return marked;
}
