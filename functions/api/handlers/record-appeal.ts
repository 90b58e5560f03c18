import { mailerFromEnv } from '#mail/from-env';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { actionOperations } from '../operations/actions';
import { recordAppeal } from '../routes/record-appeal';

/** POST /cases/{id}/appeals: an appeal filed or resolved (复议/诉讼). */
export const handler = apiHandler(recordAppeal, (deps) => actionOperations(deps).recordAppeal, {
  engine: workflowEngineFromEnv,
  mailer: mailerFromEnv,
  objects: objectStoreFromEnv,
});
