import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { mailerFromEnv } from '#mail/from-env';
import { makeEscalateHandler } from './steps/enforcement';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { documentIssuerFromEnv } from './document-issuer-from-env';
import { taskLambda } from './deps-from-env';

/** Workflow task: Escalate to the sub-district office and serve the demand notice (催告书). */
export const handler = taskLambda('EscalateFunctionArn', makeEscalateHandler, {
  deadlines: deadlineRulesFromEnv,
  mailer: mailerFromEnv,
  objects: objectStoreFromEnv,
  documents: documentIssuerFromEnv,
});
