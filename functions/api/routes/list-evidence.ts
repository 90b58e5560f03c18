import * as z from 'zod';
import { evidenceRecordSchema } from '#domain/evidence';
import { caseIdParams, noHeaders, noQuery } from '../request-schemas';
import { READ_ROLES, defineRoute } from './define';

export const evidenceListSchema = z.object({
  items: z.array(evidenceRecordSchema.extend({ addedAt: z.string(), seq: z.number().int() })),
});

export const listEvidence = defineRoute({
  operationId: 'listEvidence',
  method: 'get',
  path: '/cases/{id}/evidence',
  entry: 'list-evidence',
  summary: 'List the files of evidence recorded on a case',
  description:
    'Each file with its stage, type, size, SHA-256, capture time and GPS position when the photo had them, and the event that recorded it.',
  tags: ['evidence'],
  access: { roles: READ_ROLES, writes: false },
  params: caseIdParams,
  query: noQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The files, in the order they were added.', schema: evidenceListSchema }],
});
