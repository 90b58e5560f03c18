import { apiHandler } from '../lambda';

/** GET /health: whether the table answers. */
export const handler = apiHandler('getHealth');
