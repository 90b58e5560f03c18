import { apiHandler } from '../lambda';

/** GET /cases/{id}/history/export: a case chronology as CSV or JSON */
export const handler = apiHandler('exportCaseHistory');
