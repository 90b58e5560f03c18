import { caseEmailsSchema, caseIdParams, noHeaders, noQuery } from '../request-schemas';
import { READ_ROLES, defineRoute } from './define';

export const getCaseEmails = defineRoute({
  operationId: 'getCaseEmails',
  method: 'get',
  path: '/cases/{id}/emails',
  entry: 'get-case-emails',
  summary: 'List the emails recorded about a case',
  description:
    'Every email the outbox recorded about the case (notice copies, escalations, outcomes, alerts), in id order: kind, recipient, subject, status, when it was recorded and sent, sending rounds, and whether the office may have received it twice. Whoever may read the case may read this; any other case answers 404.',
  tags: ['cases'],
  access: { roles: READ_ROLES, writes: false },
  params: caseIdParams,
  query: noQuery,
  headers: noHeaders,
  responses: [
    { status: 200, description: 'The emails, oldest occasion first within each kind.', schema: caseEmailsSchema },
  ],
});
