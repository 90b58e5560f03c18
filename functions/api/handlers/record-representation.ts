import { apiHandler } from '../lambda';

/** POST /cases/{id}/representations: the party's statement and defence (陈述申辩). */
export const handler = apiHandler('recordRepresentation');
