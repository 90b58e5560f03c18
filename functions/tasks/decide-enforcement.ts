import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { mailerFromEnv } from '#mail/from-env';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { makeDecideEnforcementHandler } from './steps/enforcement';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { documentIssuerFromEnv } from './document-issuer-from-env';
import { taskLambda } from './deps-from-env';

/** Workflow task: Decide on enforcement, announce it and start the enforcement phase. */
export const handler = taskLambda('DecideEnforcementFunctionArn', makeDecideEnforcementHandler, {
  deadlines: deadlineRulesFromEnv,
  mailer: mailerFromEnv,
  objects: objectStoreFromEnv,
  documents: documentIssuerFromEnv,
  engine: workflowEngineFromEnv,
});
