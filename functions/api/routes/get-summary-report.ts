import { summaryQuery, summarySchema, noHeaders, noParams } from '../request-schemas';
import { AUDIT_ROLES, defineRoute } from './define';

export const getSummaryReport = defineRoute({
  operationId: 'getSummaryReport',
  method: 'get',
  path: '/reports/summary',
  entry: 'get-summary-report',
  summary: 'The work-summary figures by sub-district and community',
  description:
    "For the cases reported in the period (dates inclusive, Asia/Shanghai): reported, notices issued, self-demolished, enforced, dismissed, open, overdue, area removed (m²) and median days from report to close — per community, per sub-district and in total. Only the period's cases of the asked sub-districts are read.",
  tags: ['audit'],
  access: { roles: AUDIT_ROLES, writes: false },
  params: noParams,
  query: summaryQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The figures.', schema: summarySchema }],
});
