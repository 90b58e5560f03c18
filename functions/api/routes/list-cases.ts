import { casePageSchema, listCasesQuery, noHeaders, noParams } from '../request-schemas';
import { READ_ROLES, defineRoute } from './define';

export const listCases = defineRoute({
  operationId: 'listCases',
  method: 'get',
  path: '/cases',
  entry: 'list-cases',
  summary: 'List cases by sub-district, status or overdue deadline',
  description:
    'Lists come from indexes, so give `subdistrict` (optionally `community`, `from`, `to`), or `status`, or `overdue=true`. With a sub-district, cases come in report order; with a status, earliest running deadline first. Reporters see only their own submissions. Follow `cursor` until it is absent; a page may hold fewer than `limit` items.',
  tags: ['cases'],
  access: { roles: READ_ROLES, writes: false },
  // Its cursors are sealed with the deployment's key, so a page continues on any instance.
  uses: { cursor: true },
  params: noParams,
  query: listCasesQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'One page of case summaries.', schema: casePageSchema }],
});
