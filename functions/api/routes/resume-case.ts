import { resumeActionSchema } from '#domain/schemas';
import { EXAMPLES } from '../examples';
import { actionHeaders, caseIdParams, noQuery } from '../request-schemas';
import { caseResponse, defineRoute } from './define';

export const resumeCase = defineRoute({
  operationId: 'resumeCase',
  method: 'post',
  path: '/cases/{id}/resume',
  entry: 'resume-case',
  summary: "Resume a case's stopped or failed workflow",
  description:
    "Once the cause of a failure is fixed, starts the case's workflow again from its current status (a new execution, `<id>--resume--<n>`), clears the attention flag and records `WORKFLOW_RESUMED` with the reason. A person's step whose window has run out gets a new window. A case whose workflow is running answers 409, as does a case on hold, closed or dismissed. Pin the case version with `expectedVersion` or `If-Match`.",
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  // A resumed workflow takes over from the attention flag: the action clears it.
  uses: { workflow: ['DescribeExecution', 'StartExecution'], clearsAttention: true, deadlines: true },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: resumeActionSchema, example: EXAMPLES.resume },
  responses: [caseResponse(200, 'The case with its workflow resumed.')],
});
