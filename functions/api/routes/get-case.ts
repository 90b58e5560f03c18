import { caseIdParams, noHeaders, noQuery } from '../request-schemas';
import { READ_ROLES, caseResponse, defineRoute } from './define';

export const getCase = defineRoute({
  operationId: 'getCase',
  method: 'get',
  path: '/cases/{id}',
  entry: 'get-case',
  summary: 'Read one case',
  description: 'Reporters read only the cases they submitted; any other case answers 404.',
  tags: ['cases'],
  access: { roles: READ_ROLES, writes: false },
  params: caseIdParams,
  query: noQuery,
  headers: noHeaders,
  responses: [caseResponse(200, 'The case as it stands now.')],
});
