import { healthSchema, noHeaders, noParams, noQuery } from '../request-schemas';
import { defineRoute } from './define';

export const getHealth = defineRoute({
  operationId: 'getHealth',
  method: 'get',
  path: '/health',
  entry: 'health',
  summary: 'Whether every part the API depends on is up',
  tags: ['meta'],
  access: { public: true },
  params: noParams,
  query: noQuery,
  headers: noHeaders,
  responses: [
    { status: 200, description: 'Every part is up.', schema: healthSchema },
    {
      status: 503,
      description: 'A part is down; `parts` names it.',
      schema: healthSchema,
      headers: { 'Retry-After': 'Seconds to wait before asking again.' },
    },
  ],
});
