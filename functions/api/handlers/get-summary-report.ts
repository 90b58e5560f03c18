import { apiHandler } from '../lambda';

/** GET /reports/summary: the work-summary figures */
export const handler = apiHandler('getSummaryReport');
