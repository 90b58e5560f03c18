import { appealActionSchema } from '#domain/schemas';
import { EXAMPLES } from '../examples';
import { actionHeaders, caseIdParams, noQuery } from '../request-schemas';
import { actionDescription, caseResponse, defineRoute } from './define';

export const recordAppeal = defineRoute({
  operationId: 'recordAppeal',
  method: 'post',
  path: '/cases/{id}/appeals',
  entry: 'record-appeal',
  summary: 'Record an appeal (复议/诉讼) being filed or resolved',
  description: actionDescription(
    'A filed appeal puts the case ON_HOLD and stops its workflow; a resolution either upholds the enforcement decision (enforcement resumes) or revokes it (the case is dismissed).',
  ),
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  // The hold stops the workflow, so the appeal-hold email to the sub-district office is sent from here;
  // so is the resolution's (appeal-resolved).
  // A case it closes has its files tagged for the cheaper storage class.
  uses: { workflow: ['StopExecution', 'StartExecution'], mail: true, objects: 'archive' },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: appealActionSchema, example: EXAMPLES.appealFiled },
  responses: [caseResponse(200, 'The case after the appeal step.')],
});
