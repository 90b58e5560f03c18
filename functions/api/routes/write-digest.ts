import { digestWrittenSchema } from '../digest-schemas';
import { noHeaders, noParams, noQuery } from '../request-schemas';
import { defineRoute } from './define';

export const writeDigest = defineRoute({
  operationId: 'writeDigest',
  method: 'post',
  path: '/digests',
  entry: 'write-digest',
  summary: 'Anchor the chain heads now (a signed digest)',
  description:
    'Writes the next digest at once instead of waiting for the daily one: the chain heads of every case changed since the previous digest, signed and stored under Object Lock. Writes no case data; a digest that already reaches this second answers with written=false.',
  tags: ['audit'],
  access: { roles: ['officer'], writes: false },
  uses: { digests: 'sign' },
  params: noParams,
  query: noQuery,
  headers: noHeaders,
  responses: [
    {
      status: 200,
      description: 'The digest written, or the one that already covered the period.',
      schema: digestWrittenSchema,
    },
  ],
});
