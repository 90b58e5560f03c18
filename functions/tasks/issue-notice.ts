import { mailerFromEnv } from '../mail/from-env';
import { taskDepsWith } from './deps-from-env';
import { makeIssueNoticeHandler } from './steps/intake';

const taskDepsFromEnv = taskDepsWith({ mailer: mailerFromEnv });

/** Workflow task: Start persuasion or issue the rectification notice. */
export const handler = makeIssueNoticeHandler(taskDepsFromEnv(['send-mail']));
