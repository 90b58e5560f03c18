import { apiHandler } from '../lambda';

/** POST /cases/{id}/enforcement: the forced demolition done (强制拆除). */
export const handler = apiHandler('recordEnforcement');
