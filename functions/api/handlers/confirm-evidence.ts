import { objectStoreFromEnv } from '#objects/s3-object-store';
import { apiHandler } from '../lambda-entry';
import { evidenceOperations } from '../operations/evidence';
import { confirmEvidence } from '../routes/confirm-evidence';

/** POST /cases/{id}/evidence: an uploaded file checked from its bytes and recorded in the history. */
export const handler = apiHandler(confirmEvidence, (deps) => evidenceOperations(deps).confirmEvidence, {
  objects: objectStoreFromEnv,
});
