import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { mailerFromEnv } from '#mail/from-env';
import { makeIssueNoticeHandler } from './steps/intake';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { documentIssuerFromEnv } from './document-issuer-from-env';
import { taskLambda } from './deps-from-env';

/** Workflow task: Start persuasion or issue the rectification notice. */
export const handler = taskLambda('IssueNoticeFunctionArn', makeIssueNoticeHandler, {
  deadlines: deadlineRulesFromEnv,
  mailer: mailerFromEnv,
  objects: objectStoreFromEnv,
  documents: documentIssuerFromEnv,
});
