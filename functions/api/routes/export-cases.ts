import { exportCasesQuery, noHeaders, noParams } from '../request-schemas';
import { AUDIT_ROLES, defineRoute } from './define';

export const exportCases = defineRoute({
  operationId: 'exportCases',
  method: 'get',
  path: '/cases/export',
  entry: 'export-cases',
  summary: 'Export a filtered case list as CSV or JSON',
  description: `The same filters as GET /cases. Up to ${5000} rows per response; when there are more, the \`X-Next-Cursor\` header carries the cursor for the next response. CSV is UTF-8 with a byte-order mark so spreadsheet programs show Chinese correctly.`,
  tags: ['audit'],
  access: { roles: AUDIT_ROLES, writes: false },
  // Its cursors are sealed with the deployment's key, so a page continues on any instance.
  uses: { cursor: true },
  params: noParams,
  query: exportCasesQuery,
  headers: noHeaders,
  responses: [
    {
      status: 200,
      description: 'The export.',
      headers: { 'X-Next-Cursor': 'Present when more rows remain.', 'X-Row-Count': 'Rows in this response.' },
    },
  ],
});
