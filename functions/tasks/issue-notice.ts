import { taskDepsFromEnv } from './deps-from-env';
import { makeIssueNoticeHandler } from './steps/intake';

/** Workflow task: Start persuasion or issue the rectification notice. */
export const handler = makeIssueNoticeHandler(taskDepsFromEnv(['send-mail']));
