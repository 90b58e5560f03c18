import { cursorKeyFromSecretEnv } from '../cursor-key-secret';
import { apiHandler } from '../lambda-entry';
import { queryOperations } from '../operations/queries';
import { listCases } from '../routes/list-cases';

/** GET /cases: cases by sub-district, status or overdue deadline. */
export const handler = apiHandler(listCases, (deps) => queryOperations(deps).listCases, {
  cursorKey: cursorKeyFromSecretEnv,
});
