import { apiHandler } from '../lambda';

/** GET /cases/{id}: one case. */
export const handler = apiHandler('getCase');
