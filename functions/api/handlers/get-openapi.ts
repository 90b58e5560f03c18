import { openApiHandler } from '../lambda';

/** GET /openapi.json: the API described in OpenAPI 3.1. */
export const handler = openApiHandler();
