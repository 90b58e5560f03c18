import { apiHandler } from '../lambda-entry';
import { auditOperations } from '../operations/audit';
import { exportCaseHistory } from '../routes/export-case-history';

/** GET /cases/{id}/history/export: a case chronology as CSV or JSON */
export const handler = apiHandler(exportCaseHistory, (deps) => auditOperations(deps).exportCaseHistory);
