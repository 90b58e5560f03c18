import { serviceActionSchema, serviceActionSchemaAt } from '#domain/schemas';
import { EXAMPLES } from '../examples';
import { actionHeaders, caseIdParams, noQuery } from '../request-schemas';
import { actionDescription, caseResponse, defineRoute } from './define';

export const recordService = defineRoute({
  operationId: 'recordService',
  method: 'post',
  path: '/cases/{id}/service',
  entry: 'record-service',
  summary: 'Record how and when a document was served (送达)',
  description: actionDescription(
    "`document` is `notice` (限期拆除通知书) or `enforcement-decision` (强制执行决定书 with its 强制拆除公告). The periods the document sets run from `servedOn` (Asia/Shanghai), counted with the same calendar rules: the notice deadline, or the 公告 period and the 复议 (60 days) and 诉讼 (6 months) windows. Service by announcement (公告送达) counts as served only once the policy's `serviceByAnnouncement` period (民事诉讼法 §95: 30 days) has passed after `servedOn`, the day it was published. `receiver` is required except for service by announcement (which needs `publishedIn`), `witnesses` for 留置送达, and electronic service (电子送达) only with the party's written `consent`. A document is served once. The workflow waits for this record before it counts those periods: recording the notice's service answers its waiting step; recording the decision's hands the case to a fresh workflow execution (its `execution` on the case), which waits for the windows counted from it, and stops the one that waited. A flag for attention that asked for this service is cleared.",
  ),
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  uses: {
    // Answers the notice's waiting step; the decision's service stops the execution that waited and starts
    // the one that waits for the windows; a stopped workflow is resumed.
    workflow: ['DescribeExecution', 'StartExecution', 'StopExecution', 'SendTaskSuccess'],
    // A resumed workflow, or the recorded service, answers the attention flag: the action clears it.
    clearsAttention: true,
    deadlines: true,
  },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: serviceActionSchema, at: serviceActionSchemaAt, example: EXAMPLES.service },
  responses: [caseResponse(200, 'The case with the service recorded and its periods counted from it.')],
});
