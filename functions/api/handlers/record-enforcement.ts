import { mailerFromEnv } from '#mail/from-env';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { actionOperations } from '../operations/actions';
import { recordEnforcement } from '../routes/record-enforcement';

/** POST /cases/{id}/enforcement: the forced demolition done (强制拆除). */
export const handler = apiHandler(recordEnforcement, (deps) => actionOperations(deps).recordEnforcement, {
  engine: workflowEngineFromEnv,
  mailer: mailerFromEnv,
});
