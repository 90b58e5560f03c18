import { apiHandler } from '../lambda';

/** POST /cases/{id}/extensions: a later notice deadline (延期). */
export const handler = apiHandler('grantExtension');
