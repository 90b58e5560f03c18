import { caseIdParams, historyPageSchema, historyQuery, noHeaders } from '../request-schemas';
import { READ_ROLES, defineRoute } from './define';

export const getCaseHistory = defineRoute({
  operationId: 'getCaseHistory',
  method: 'get',
  path: '/cases/{id}/history',
  entry: 'get-case-history',
  summary: "Read a case's history (append-only, hash-chained)",
  description:
    'Events in sequence order, paginated. With `verify=true` the whole SHA-256 chain is verified against the head recorded on the case, across every page, and every file of evidence is read back from the object store and hashed: `evidenceVerification` names each file whose stored bytes no longer match the SHA-256 its event records, and `documentVerification` each issued document (PDF) whose stored bytes no longer match the SHA-256 of the event that issued it.',
  tags: ['cases'],
  access: { roles: READ_ROLES, writes: false },
  // Its cursors are sealed with the deployment's key, so a page continues on any instance.
  uses: { cursor: true, objects: 'read' },
  params: caseIdParams,
  query: historyQuery,
  headers: noHeaders,
  responses: [
    { status: 200, description: 'One page of events, and the verdict when asked for.', schema: historyPageSchema },
  ],
});
