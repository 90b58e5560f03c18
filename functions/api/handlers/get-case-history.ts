import { apiHandler } from '../lambda';

/** GET /cases/{id}/history: a case's hash-chained history. */
export const handler = apiHandler('getCaseHistory');
