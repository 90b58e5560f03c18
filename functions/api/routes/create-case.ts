import { caseSubmissionSchema, caseSubmissionSchemaAt } from '#domain/schemas';
import { EXAMPLES } from '../examples';
import { caseViewSchema, createCaseHeaders, noParams, noQuery } from '../request-schemas';
import { defineRoute } from './define';

export const createCase = defineRoute({
  operationId: 'createCase',
  method: 'post',
  path: '/cases',
  entry: 'create-case',
  summary: 'Report a suspected illegal construction',
  description:
    'Creates a case in REPORTED and starts its workflow. `Idempotency-Key` is required: repeating a request with the same key and body returns the original response (header `Idempotent-Replayed: true`); the same key with another body answers 422; while the first request is still being processed, 409 with Retry-After. Cases already open at the same address are listed in `possibleDuplicates`.',
  tags: ['cases'],
  access: { roles: ['reporter', 'officer'], writes: true },
  // A replay asks whether the intake execution exists to tell "done" from "in flight".
  uses: { workflow: ['StartExecution', 'DescribeExecution'] },
  params: noParams,
  query: noQuery,
  headers: createCaseHeaders,
  body: { schema: caseSubmissionSchema, at: caseSubmissionSchemaAt, example: EXAMPLES.submission },
  responses: [
    {
      status: 201,
      description: 'The case was created (or this is the replay of the request that created it).',
      schema: caseViewSchema,
      headers: {
        Location: 'The URL of the new case.',
        ETag: 'The case version.',
        'Idempotent-Replayed': '`true` when this is the stored response to an earlier request.',
      },
    },
  ],
});
