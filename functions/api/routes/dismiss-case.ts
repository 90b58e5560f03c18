import { dismissalActionSchema } from '#domain/schemas';
import { EXAMPLES } from '../examples';
import { actionHeaders, caseIdParams, noQuery } from '../request-schemas';
import { actionDescription, caseResponse, defineRoute } from './define';

export const dismissCase = defineRoute({
  operationId: 'dismissCase',
  method: 'post',
  path: '/cases/{id}/dismissal',
  entry: 'dismiss-case',
  summary: 'Dismiss a case (not a violation, duplicate, withdrawn…)',
  description: actionDescription('Possible from any open status; stops the workflow.'),
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  // The sub-district office, told of the notice, is told of the dismissal (case-dismissed).
  // A case it closes has its files tagged for the cheaper storage class.
  uses: { workflow: ['StopExecution'], mail: true, objects: 'archive' },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: dismissalActionSchema, example: EXAMPLES.dismissal },
  responses: [caseResponse(200, 'The dismissed case.')],
});
