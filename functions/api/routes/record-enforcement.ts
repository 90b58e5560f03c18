import { enforcementActionSchema, enforcementActionSchemaAt } from '#domain/schemas';
import { EXAMPLES } from '../examples';
import { actionHeaders, caseIdParams, noQuery } from '../request-schemas';
import { actionDescription, caseResponse, defineRoute } from './define';

export const recordEnforcement = defineRoute({
  operationId: 'recordEnforcement',
  method: 'post',
  path: '/cases/{id}/enforcement',
  entry: 'record-enforcement',
  summary: 'Record the forced demolition as done (强制拆除)',
  description: actionDescription('Recorded by the enforcement team once the scheduled demolition is carried out.'),
  tags: ['actions'],
  access: { roles: ['enforcer'], writes: true },
  // The sub-district office is told the demolition is done (the enforcement-completed email).
  uses: {
    workflow: ['SendTaskSuccess', 'DescribeExecution', 'StartExecution'],
    // A resumed workflow takes over from the attention flag: the action clears it.
    clearsAttention: true,
    mail: true,
  },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: enforcementActionSchema, at: enforcementActionSchemaAt, example: EXAMPLES.enforcement },
  responses: [caseResponse(200, 'The case after enforcement.')],
});
