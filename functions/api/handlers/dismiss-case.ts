import { mailerFromEnv } from '#mail/from-env';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { actionOperations } from '../operations/actions';
import { dismissCase } from '../routes/dismiss-case';

/** POST /cases/{id}/dismissal: a case dismissed (撤销). */
export const handler = apiHandler(dismissCase, (deps) => actionOperations(deps).dismissCase, {
  engine: workflowEngineFromEnv,
  mailer: mailerFromEnv,
  objects: objectStoreFromEnv,
});
