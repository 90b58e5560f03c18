import { representationActionSchema } from '#domain/schemas';
import { EXAMPLES } from '../examples';
import { actionHeaders, caseIdParams, noQuery } from '../request-schemas';
import { actionDescription, caseResponse, defineRoute } from './define';

export const recordRepresentation = defineRoute({
  operationId: 'recordRepresentation',
  method: 'post',
  path: '/cases/{id}/representations',
  entry: 'record-representation',
  summary: "Record the party's statement and defence (陈述申辩)",
  description: actionDescription(
    'Accepting the representation dismisses the case; rejecting it leaves the case where it is.',
  ),
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  // An accepted representation dismisses the case: the sub-district office is told (case-dismissed).
  // A case it closes has its files tagged for the cheaper storage class.
  uses: { workflow: ['StopExecution'], mail: true, objects: 'archive' },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: representationActionSchema, example: EXAMPLES.representation },
  responses: [caseResponse(200, 'The case after the representation.')],
});
