import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { deadlineActionOperations } from '../operations/actions';
import { recordService } from '../routes/record-service';

/** POST /cases/{id}/service: how and when a document was served (送达). */
export const handler = apiHandler(recordService, (deps) => deadlineActionOperations(deps).recordService, {
  engine: workflowEngineFromEnv,
  deadlines: deadlineRulesFromEnv,
});
