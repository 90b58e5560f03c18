import { cursorKeyFromSecretEnv } from '../cursor-key-secret';
import { apiHandler } from '../lambda';
import { queryOperations } from '../operations/queries';
import { getCaseHistory } from '../routes/get-case-history';

/** GET /cases/{id}/history: a case's hash-chained history. */
export const handler = apiHandler(getCaseHistory, (deps) => queryOperations(deps).getCaseHistory, {
  cursorKey: cursorKeyFromSecretEnv,
});
