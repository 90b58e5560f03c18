import { inspectionActionSchema, inspectionActionSchemaAt } from '#domain/schemas';
import { EXAMPLES } from '../examples';
import { actionHeaders, caseIdParams, noQuery } from '../request-schemas';
import { actionDescription, caseResponse, defineRoute } from './define';

export const recordInspection = defineRoute({
  operationId: 'recordInspection',
  method: 'post',
  path: '/cases/{id}/inspections',
  entry: 'record-inspection',
  summary: 'Record an inspection result (复查)',
  description: actionDescription(
    'Officers record the inspection after the notice deadline; during persuasion (督促自行拆除) the reporting community may record whether the party demolished. `areaRemovedM2` is the area removed so far.',
  ),
  tags: ['actions'],
  access: { roles: ['officer', 'reporter'], writes: true },
  // A resumed workflow takes over from the attention flag: the action clears it.
  uses: { workflow: ['SendTaskSuccess', 'DescribeExecution', 'StartExecution'], clearsAttention: true },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: inspectionActionSchema, at: inspectionActionSchemaAt, example: EXAMPLES.inspection },
  responses: [caseResponse(200, 'The case after the inspection.')],
});
