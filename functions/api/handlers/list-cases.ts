import { apiHandler } from '../lambda';

/** GET /cases: cases by sub-district, status or overdue deadline. */
export const handler = apiHandler('listCases');
