import { apiHandler } from '../lambda-entry';
import { healthOperation } from '../operations/health';
import { getHealth } from '../routes/health';

/** GET /health: whether the table answers. */
export const handler = apiHandler(getHealth, healthOperation);
