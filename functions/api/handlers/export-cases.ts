import { objectStoreFromEnv } from '#objects/s3-object-store';
import { cursorKeyFromSecretEnv } from '../cursor-key-secret';
import { apiHandler } from '../lambda-entry';
import { exportCasesOperation } from '../operations/audit';
import { exportCases } from '../routes/export-cases';

/** GET /cases/export: a filtered case list as CSV or JSON, through a presigned link when it is large. */
export const handler = apiHandler(exportCases, (deps) => exportCasesOperation(deps), {
  cursorKey: cursorKeyFromSecretEnv,
  objects: objectStoreFromEnv,
});
