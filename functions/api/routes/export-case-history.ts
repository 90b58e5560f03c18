import { caseIdParams, exportHistoryQuery, noHeaders } from '../request-schemas';
import { AUDIT_ROLES, defineRoute } from './define';

export const exportCaseHistory = defineRoute({
  operationId: 'exportCaseHistory',
  method: 'get',
  path: '/cases/{id}/history/export',
  entry: 'export-case-history',
  summary: "Export a case's chronology as CSV or JSON",
  description: 'Every event of the case in order, with its hashes, so the chronology can be checked outside Rectify.',
  tags: ['audit'],
  access: { roles: AUDIT_ROLES, writes: false },
  params: caseIdParams,
  query: exportHistoryQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The chronology.' }],
});
