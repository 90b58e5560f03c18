import { systemClock } from '#domain/clock';
import { makeRouteHandler } from '../route-pipeline';
import { openApiOperation } from '../openapi';
import { getOpenApi } from '../routes';

/** GET /openapi.json: the API described in OpenAPI 3.1; it needs no table, no engine and no configuration. */
export const handler = Object.assign(makeRouteHandler(getOpenApi, openApiOperation, { clock: systemClock }), {
  serves: getOpenApi.operationId,
});
