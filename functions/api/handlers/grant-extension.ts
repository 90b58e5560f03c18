import { mailerFromEnv } from '#mail/from-env';
import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { deadlineActionOperations } from '../operations/actions';
import { grantExtension } from '../routes/grant-extension';

/** POST /cases/{id}/extensions: a later notice deadline (延期). */
export const handler = apiHandler(grantExtension, (deps) => deadlineActionOperations(deps).grantExtension, {
  engine: workflowEngineFromEnv,
  deadlines: deadlineRulesFromEnv,
  mailer: mailerFromEnv,
});
