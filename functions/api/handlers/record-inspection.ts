import { apiHandler } from '../lambda';

/** POST /cases/{id}/inspections: an inspection result (复查). */
export const handler = apiHandler('recordInspection');
