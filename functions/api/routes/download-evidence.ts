import * as z from 'zod';
import { caseId } from '#domain/schemas';
import { evidenceId } from '#domain/evidence';
import { noHeaders, noQuery } from '../request-schemas';
import { READ_ROLES, defineRoute } from './define';

export const evidenceDownloadLinkSchema = z.object({
  method: z.literal('GET'),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});

export const downloadEvidence = defineRoute({
  operationId: 'downloadEvidence',
  method: 'get',
  path: '/cases/{id}/evidence/{evidenceId}/download',
  entry: 'download-evidence',
  summary: 'A short-lived download link for a file of evidence',
  description:
    'A presigned GET valid for 60 seconds, only for a person who may see the case (anyone else gets 404, as for the case itself).',
  tags: ['evidence'],
  access: { roles: READ_ROLES, writes: false },
  uses: { objects: 'read' },
  params: z.strictObject({ id: caseId, evidenceId }),
  query: noQuery,
  headers: noHeaders,
  responses: [
    {
      status: 200,
      description: 'Where to download the file.',
      schema: evidenceDownloadLinkSchema,
    },
  ],
});
