import { apiHandler } from '../lambda-entry';
import { listEvidenceOperation } from '../operations/evidence';
import { listEvidence } from '../routes/list-evidence';

/** GET /cases/{id}/evidence: the files recorded on a case. */
export const handler = apiHandler(listEvidence, (deps) => listEvidenceOperation(deps));
