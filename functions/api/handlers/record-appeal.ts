import { apiHandler } from '../lambda';

/** POST /cases/{id}/appeals: an appeal filed or resolved (复议/诉讼). */
export const handler = apiHandler('recordAppeal');
