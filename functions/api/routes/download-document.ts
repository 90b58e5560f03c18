import * as z from 'zod';
import { caseId } from '#domain/schemas';
import { noHeaders, noQuery } from '../request-schemas';
import { READ_ROLES, defineRoute } from './define';

const documentNumber = z
  .string()
  .regex(/^RN-\d{4}-\d{6}(-(CG|JD|GG))?$/, 'must be a document number like RN-2026-000123 or RN-2026-000123-CG');

export const downloadDocument = defineRoute({
  operationId: 'downloadDocument',
  method: 'get',
  path: '/cases/{id}/documents/{number}/download',
  entry: 'download-document',
  summary: 'A short-lived download link for an issued document (PDF)',
  description:
    'A presigned GET valid for 60 seconds, only for a person who may see the case (anyone else gets 404, as for the case itself). The file is the PDF as issued; its SHA-256 is the one the issuing event records.',
  tags: ['documents'],
  access: { roles: READ_ROLES, writes: false },
  uses: { objects: 'read' },
  params: z.strictObject({ id: caseId, number: documentNumber }),
  query: noQuery,
  headers: noHeaders,
  responses: [
    {
      status: 200,
      description: 'Where to download the PDF.',
      schema: z.object({
        method: z.literal('GET'),
        url: z.string(),
        headers: z.record(z.string(), z.string()),
        expiresAt: z.string(),
      }),
    },
  ],
});
