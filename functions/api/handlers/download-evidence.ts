import { objectStoreFromEnv } from '#objects/s3-object-store';
import { apiHandler } from '../lambda-entry';
import { evidenceOperations } from '../operations/evidence';
import { downloadEvidence } from '../routes/download-evidence';

/** GET /cases/{id}/evidence/{evidenceId}/download: a 60-second download link. */
export const handler = apiHandler(downloadEvidence, (deps) => evidenceOperations(deps).downloadEvidence, {
  objects: objectStoreFromEnv,
});
