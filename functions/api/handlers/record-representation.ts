import { mailerFromEnv } from '#mail/from-env';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { actionOperations } from '../operations/actions';
import { recordRepresentation } from '../routes/record-representation';

/** POST /cases/{id}/representations: the party's statement and defence (陈述申辩). */
export const handler = apiHandler(recordRepresentation, (deps) => actionOperations(deps).recordRepresentation, {
  engine: workflowEngineFromEnv,
  mailer: mailerFromEnv,
  objects: objectStoreFromEnv,
});
