import { apiHandler } from '../lambda-entry';
import { queryOperations } from '../operations/queries';
import { getCase } from '../routes/get-case';

/** GET /cases/{id}: one case. */
export const handler = apiHandler(getCase, (deps) => queryOperations(deps).getCase);
