/** Every email Rectify sends. */
export const MAIL_KINDS = [
  /** copy of the 限期拆除/整改通知书 to the sub-district office */
  'notice-copy',
  /** the notice to the responsible party, when an email address is known */
  'notice-to-party',
  /** reminder before the notice deadline */
  'reminder',
  /** missed deadline / not demolished: escalation to the sub-district office with the 催告 */
  'escalation',
  /** the notice or the enforcement decision was not recorded as served in time (送达) */
  'service-overdue',
  /** the inspection after the deadline was not recorded in time */
  'inspection-overdue',
  /** 强制执行决定书 and 公告 */
  'enforcement-decided',
  /** forced demolition scheduled */
  'enforcement-scheduled',
  /** scheduled demolition not recorded as done in time */
  'enforcement-overdue',
  /** an appeal (复议/诉讼) put the case on hold */
  'appeal-hold',
  /** a workflow step failed and the case needs attention */
  'workflow-failure',
  /** the notice deadline was extended (延期) */
  'deadline-extended',
  /** the case was dismissed (撤销), by an officer or by an accepted 陈述申辩 */
  'case-dismissed',
  /** the case was closed after the party demolished the structure themselves */
  'case-closed',
  /** the appeal was resolved: enforcement resumes, or the case ends */
  'appeal-resolved',
  /** the forced demolition was recorded as done */
  'enforcement-completed',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * An email's state in the outbox (functions/store/outbox.ts). BOUNCED and COMPLAINED come after SENT (or
 * UNCONFIRMED), when SES reports the email bounced or its recipient complained (functions/mail/mail-events.ts).
 */
export const MAIL_STATUSES = ['PENDING', 'SENDING', 'SENT', 'FAILED', 'UNCONFIRMED', 'BOUNCED', 'COMPLAINED'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];
