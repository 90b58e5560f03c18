import { cursorKeyFromSecretEnv } from '../cursor-key-secret';
import { apiHandler } from '../lambda-entry';
import { auditOperations } from '../operations/audit';
import { exportCases } from '../routes/export-cases';

/** GET /cases/export: a filtered case list as CSV or JSON */
export const handler = apiHandler(exportCases, (deps) => auditOperations(deps).exportCases, {
  cursorKey: cursorKeyFromSecretEnv,
});
