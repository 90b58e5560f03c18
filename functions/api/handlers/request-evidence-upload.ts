import { objectStoreFromEnv } from '#objects/s3-object-store';
import { apiHandler } from '../lambda-entry';
import { evidenceOperations } from '../operations/evidence';
import { requestEvidenceUpload } from '../routes/request-evidence-upload';

/** POST /cases/{id}/evidence-uploads: a presigned PUT for one file of evidence. */
export const handler = apiHandler(requestEvidenceUpload, (deps) => evidenceOperations(deps).requestEvidenceUpload, {
  objects: objectStoreFromEnv,
});
