import { noHeaders, noParams, noQuery } from '../request-schemas';
import { defineRoute } from './define';

export const getOpenApi = defineRoute({
  operationId: 'getOpenApi',
  method: 'get',
  path: '/openapi.json',
  entry: 'get-openapi',
  summary: 'This API, described in OpenAPI 3.1',
  tags: ['meta'],
  access: { public: true },
  // The document is built from the route table: no table, no engine, no configuration.
  uses: { table: 'none' },
  params: noParams,
  query: noQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The OpenAPI document.' }],
});
