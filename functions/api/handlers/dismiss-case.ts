import { apiHandler } from '../lambda';

/** POST /cases/{id}/dismissal: a case dismissed (撤销). */
export const handler = apiHandler('dismissCase');
