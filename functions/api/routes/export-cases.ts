import * as z from 'zod';
import { EXPORT_LINK_SECONDS, INLINE_EXPORT_MAX_BYTES } from '#app/case-exports';
import { exportCasesQuery, noHeaders, noParams } from '../request-schemas';
import { AUDIT_ROLES, defineRoute } from './define';

export const exportCases = defineRoute({
  operationId: 'exportCases',
  method: 'get',
  path: '/cases/export',
  entry: 'export-cases',
  summary: 'Export a filtered case list as CSV or JSON',
  description: `The same filters as GET /cases; every matching case is in the export, however many. An export of up to ${INLINE_EXPORT_MAX_BYTES / 1024 / 1024} MB is the answer itself. A larger one (a Lambda answer carries at most 6 MB) is written to the object store as it is read, and the answer is JSON marked \`X-Export-Delivery: link\`: a presigned GET \`link\` valid ${EXPORT_LINK_SECONDS / 60} minutes, with the export's \`rows\`, \`bytes\` and \`sha256\`. CSV is UTF-8 with a byte-order mark so spreadsheet programs show Chinese correctly.`,
  tags: ['audit'],
  access: { roles: AUDIT_ROLES, writes: false },
  // Pages are read with cursors sealed by the deployment's key; a large export is written to the object store.
  uses: { cursor: true, objects: 'read-write' },
  params: noParams,
  query: exportCasesQuery,
  headers: noHeaders,
  responses: [
    {
      status: 200,
      description:
        'The export itself (CSV or JSON), or — with `X-Export-Delivery: link` — where to download it for the next few minutes.',
      headers: {
        'X-Export-Delivery': '`link` when the answer is a link to the export instead of the export itself.',
        'X-Row-Count': 'Rows in the export.',
      },
      schema: z.object({
        link: z.object({
          method: z.literal('GET'),
          url: z.string(),
          headers: z.record(z.string(), z.string()),
          expiresAt: z.string(),
        }),
        rows: z.number().int(),
        bytes: z.number().int(),
        sha256: z.string(),
        contentType: z.string(),
        fileName: z.string(),
      }),
    },
  ],
});
