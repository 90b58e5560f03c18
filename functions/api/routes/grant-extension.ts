import { extensionActionSchema } from '#domain/schemas';
import { EXAMPLES } from '../examples';
import { actionHeaders, caseIdParams, noQuery } from '../request-schemas';
import { actionDescription, caseResponse, defineRoute } from './define';

export const grantExtension = defineRoute({
  operationId: 'grantExtension',
  method: 'post',
  path: '/cases/{id}/extensions',
  entry: 'grant-extension',
  summary: 'Extend the notice deadline (延期)',
  description: actionDescription(
    'The new deadline is the end of `newDeadline` in Asia/Shanghai; it must be later than the current one and within the policy (`extensions.maxCount`, `extensions.maxTotalDays`).',
  ),
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  // The sub-district office is told the new deadline (the deadline-extended email).
  uses: {
    workflow: ['SendTaskSuccess', 'DescribeExecution', 'StartExecution'],
    // A resumed workflow takes over from the attention flag: the action clears it.
    clearsAttention: true,
    mail: true,
    deadlines: true,
  },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: extensionActionSchema, example: EXAMPLES.extension },
  responses: [caseResponse(200, 'The case with its new deadline.')],
});
