/** The words of the procedure, shared by schemas, lifecycle, policy and messages. */

export const CATEGORIES = ['unit-internal', 'resident-built', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['minor', 'moderate', 'serious'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const MATERIALS = [
  'brick-concrete',
  'reinforced-concrete',
  'steel',
  'color-steel-sheet',
  'timber',
  'temporary',
  'other',
] as const;

export const ROLES = ['reporter', 'officer', 'enforcer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
/** The workflow acts as `system`; no person holds this role. */
export type Actor = Role | 'system';

export const CASE_STATUSES = [
  'REPORTED',
  'PERSUASION',
  'NOTICE_ISSUED',
  'AWAITING_INSPECTION',
  'SELF_DEMOLISHED',
  'ESCALATED',
  'ENFORCEMENT_DECIDED',
  'ON_HOLD',
  'ENFORCEMENT_SCHEDULED',
  'ENFORCED',
  'CLOSED',
  'DISMISSED',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const TERMINAL_STATUSES: readonly CaseStatus[] = ['CLOSED', 'DISMISSED'];
export const OPEN_STATUSES: readonly CaseStatus[] = CASE_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));

export const STATUS_LABELS_ZH: Record<CaseStatus, string> = {
  REPORTED: '已登记',
  PERSUASION: '督促自行拆除',
  NOTICE_ISSUED: '已下达限期拆除通知书',
  AWAITING_INSPECTION: '待复查',
  SELF_DEMOLISHED: '已自行拆除',
  ESCALATED: '已上报街道/催告',
  ENFORCEMENT_DECIDED: '已作出强制执行决定',
  ON_HOLD: '复议/诉讼中止',
  ENFORCEMENT_SCHEDULED: '已安排强制拆除',
  ENFORCED: '已强制拆除',
  CLOSED: '已结案',
  DISMISSED: '已撤销',
};

export const INSPECTION_RESULTS = ['demolished', 'partially-demolished', 'not-demolished'] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];

export const SERVICE_METHODS = ['direct', 'left-at-premises', 'post', 'announcement', 'electronic'] as const;
export type ServiceMethod = (typeof SERVICE_METHODS)[number];

/**
 * The documents whose periods run from when the party was served (送达): the 限期拆除通知书 (its deadline) and
 * the 强制执行决定书 with its 强制拆除公告 (the 公告 period, the 复议 and 诉讼 windows).
 */
export const SERVED_DOCUMENTS = ['notice', 'enforcement-decision'] as const;
export type ServedDocument = (typeof SERVED_DOCUMENTS)[number];

export const DISMISSAL_REASONS = [
  'not-a-violation',
  'duplicate',
  'withdrawn',
  'representation-accepted',
  'appeal-revoked',
  'other',
] as const;
export type DismissalReason = (typeof DISMISSAL_REASONS)[number];

export const APPEAL_KINDS = ['reconsideration', 'litigation'] as const;
export type AppealKind = (typeof APPEAL_KINDS)[number];

export const EVENT_TYPES = [
  'CASE_REPORTED',
  'PERSUASION_STARTED',
  'PERSUASION_EXPIRED',
  'NOTICE_ISSUED',
  'REMINDER_SENT',
  'DEADLINE_EXTENDED',
  'SERVICE_RECORDED',
  'SERVICE_OVERDUE',
  'INSPECTION_OPENED',
  'INSPECTION_RECORDED',
  'INSPECTION_OVERDUE',
  'CASE_ESCALATED',
  'REPRESENTATION_RECORDED',
  'ENFORCEMENT_DECIDED',
  'APPEAL_FILED',
  'APPEAL_RESOLVED',
  'ENFORCEMENT_SCHEDULED',
  'ENFORCEMENT_OVERDUE',
  'ENFORCEMENT_COMPLETED',
  'CASE_CLOSED',
  'CASE_DISMISSED',
  'TASK_FAILED',
  'EMAIL_FAILED',
  'WORKFLOW_RESUMED',
  'EVIDENCE_ADDED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Open statuses in which the workflow carries the case (an execution runs or should run). ON_HOLD waits
 * for the appeal authority instead: the person's step there is resolving the appeal.
 */
export const WORKFLOW_STATUSES: readonly CaseStatus[] = OPEN_STATUSES.filter((s) => s !== 'ON_HOLD');
