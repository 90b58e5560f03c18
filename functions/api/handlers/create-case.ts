import { apiHandler } from '../lambda';

/** POST /cases: report a suspected illegal construction. */
export const handler = apiHandler('createCase');
