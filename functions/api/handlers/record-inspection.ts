import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { actionOperations } from '../operations/actions';
import { recordInspection } from '../routes/record-inspection';

/** POST /cases/{id}/inspections: an inspection result (复查). */
export const handler = apiHandler(recordInspection, (deps) => actionOperations(deps).recordInspection, {
  engine: workflowEngineFromEnv,
});
