import { apiHandler } from '../lambda';

/** GET /cases/export: a filtered case list as CSV or JSON */
export const handler = apiHandler('exportCases');
