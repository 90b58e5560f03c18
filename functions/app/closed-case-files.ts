import { CLOSED_CASE_FILES_TAG, caseFilesPrefix } from '#domain/case-files';
import type { ObjectStore } from '#objects/object-store';

/** What marking a case's files takes: listing them and tagging each. */
export type CaseFiles = Pick<ObjectStore, 'keys' | 'tag'>;

/** The two logging calls archiving makes (a Powertools Logger, or a task's). */
interface ArchiveLogger {
  info(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/**
 * Tags every file of a case that has closed, so the object store's lifecycle moves them to a cheaper
 * storage class. Tagging again sets the same tag: a repeated run is harmless. A failure is logged, never
 * thrown: the case is closed either way, and files of any case move after a year regardless.
 */
export async function archiveClosedCaseFiles(
  files: CaseFiles,
  caseId: string,
  logger: ArchiveLogger | undefined,
): Promise<void> {
  try {
    let marked = 0;
    for await (const key of files.keys(caseFilesPrefix(caseId))) {
      await files.tag(key, { [CLOSED_CASE_FILES_TAG.key]: CLOSED_CASE_FILES_TAG.value });
      marked += 1;
    }
    logger?.info('tagged the closed case’s files for archiving', { caseId, files: marked });
  } catch (error) {
    logger?.error('could not tag the closed case’s files for archiving', { caseId, error: String(error) });
  }
}
