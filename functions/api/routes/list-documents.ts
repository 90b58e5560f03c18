import * as z from 'zod';
import { caseDocumentSchema } from '#app/case-documents';
import { caseIdParams, noHeaders, noQuery } from '../request-schemas';
import { READ_ROLES, defineRoute } from './define';

export const listDocuments = defineRoute({
  operationId: 'listDocuments',
  method: 'get',
  path: '/cases/{id}/documents',
  entry: 'list-documents',
  summary: 'List the documents issued on a case',
  description:
    'Each document the workflow issued (限期拆除通知书 `notice`, 催告书 `demand`, 强制执行决定书 `decision`, 强制拆除公告 `announcement`) with its number, when it was issued, the SHA-256 and size of its PDF as the issuing event records them, and whether its service (送达) is recorded.',
  tags: ['documents'],
  access: { roles: READ_ROLES, writes: false },
  params: caseIdParams,
  query: noQuery,
  headers: noHeaders,
  responses: [
    {
      status: 200,
      description: 'The documents, in the order they were issued.',
      schema: z.object({ items: z.array(caseDocumentSchema) }),
    },
  ],
});
