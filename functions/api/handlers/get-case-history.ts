import { cursorKeyFromSecretEnv } from '../cursor-key-secret';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { apiHandler } from '../lambda-entry';
import { historyOperation } from '../operations/evidence';
import { getCaseHistory } from '../routes/get-case-history';

/** GET /cases/{id}/history: a case's hash-chained history; verify=true also hashes its files again. */
export const handler = apiHandler(getCaseHistory, (deps) => historyOperation(deps), {
  cursorKey: cursorKeyFromSecretEnv,
  objects: objectStoreFromEnv,
});
