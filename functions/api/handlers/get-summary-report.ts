import { apiHandler } from '../lambda-entry';
import { auditOperations } from '../operations/audit';
import { getSummaryReport } from '../routes/get-summary-report';

/** GET /reports/summary: the work-summary figures */
export const handler = apiHandler(getSummaryReport, (deps) => auditOperations(deps).getSummaryReport);
