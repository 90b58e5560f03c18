import * as z from 'zod';
import { caseViewSchema } from '#app/case-view';
import { caseSubmissionSchema, caseSubmissionSchemaAt } from '#domain/schemas';
import { MAX_CASES_PER_TRANSACTION } from '#store/table';
import { EXAMPLES } from '../examples';
import { BODY_LIMIT_BYTES } from '../http';
import { problemSchema } from '../problem';
import { idempotencyKey, noHeaders, noParams, noQuery } from '../request-schemas';
import { defineRoute } from './define';

const batchOf = <S extends z.ZodType>(submission: S) =>
  z
    .strictObject({
      items: z
        .array(z.strictObject({ idempotencyKey, submission }))
        .min(1, 'must hold at least one submission')
        .max(MAX_CASES_PER_TRANSACTION, `must hold at most ${MAX_CASES_PER_TRANSACTION} submissions`),
    })
    .superRefine((batch, ctx) => {
      const seen = new Map<string, number>();
      batch.items.forEach((item, i) => {
        const first = seen.get(item.idempotencyKey);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['items', i, 'idempotencyKey'],
            message: `repeats the key of items[${first}]: each submission needs its own`,
          });
        else seen.set(item.idempotencyKey, i);
      });
    });

const caseBatchSchema = batchOf(caseSubmissionSchema);

const caseBatchResultSchema = z.object({
  results: z.array(
    z.object({
      idempotencyKey: z.string(),
      status: z
        .number()
        .int()
        .describe('What `POST /cases` would have answered for this submission alone: 201, or the status of `problem`.'),
      replayed: z
        .boolean()
        .optional()
        .describe('`true` when the case was created by an earlier request with this key.'),
      case: caseViewSchema.optional(),
      problem: problemSchema.optional(),
    }),
  ),
});

export const createCaseBatch = defineRoute({
  operationId: 'createCaseBatch',
  method: 'post',
  path: '/case-batches',
  entry: 'create-case-batch',
  summary: 'Report several suspected illegal constructions at once (a survey)',
  description: `Up to ${MAX_CASES_PER_TRANSACTION} submissions, each with its own \`idempotencyKey\`, each answered in \`results\` (in order) exactly as \`POST /cases\` would answer it alone: created (201), the original answer to an earlier request with the same key (201, \`replayed\`), or a problem (422 for a key used with another submission, 409 while that earlier request is in flight, 503 when a service is down). An invalid submission makes the whole batch 400, naming it (\`items[3].submission.location.address\`), and nothing is written. Sending the same batch again creates nothing new. \`rectify import\` sends surveys this way.`,
  tags: ['cases'],
  access: { roles: ['reporter', 'officer'], writes: true },
  uses: { workflow: ['StartExecution', 'DescribeExecution'] },
  params: noParams,
  query: noQuery,
  headers: noHeaders,
  // Each submission may be as large as one POST /cases takes.
  bodyLimitBytes: MAX_CASES_PER_TRANSACTION * BODY_LIMIT_BYTES,
  body: {
    schema: caseBatchSchema,
    at: (now: Date) => batchOf(caseSubmissionSchemaAt(now)),
    example: { items: [{ idempotencyKey: 'survey-2026-11-row-2', submission: EXAMPLES.submission }] },
  },
  responses: [{ status: 200, description: 'Each submission answered in order.', schema: caseBatchResultSchema }],
});
