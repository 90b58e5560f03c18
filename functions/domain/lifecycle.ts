import type { Actor, CaseStatus, EventType } from './vocabulary';
import { CASE_STATUSES, OPEN_STATUSES, WORKFLOW_STATUSES } from './vocabulary';

export const ACTION_NAMES = [
  'report',
  'start-persuasion',
  'expire-persuasion',
  'issue-notice',
  'send-reminder',
  'grant-extension',
  'record-service',
  'mark-service-overdue',
  'open-inspection',
  'record-inspection',
  'mark-inspection-overdue',
  'escalate',
  'record-representation',
  'decide-enforcement',
  'file-appeal',
  'resolve-appeal',
  'schedule-enforcement',
  'mark-enforcement-overdue',
  'complete-enforcement',
  'close',
  'dismiss',
  'record-task-failure',
  'record-email-failure',
  'resume-workflow',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** One row of the procedure: from these statuses, this action (with this outcome) leads there. */
export interface Transition {
  action: ActionName;
  /** For actions whose result decides the next status (an inspection's result, an appeal's outcome). */
  outcome?: string;
  from: readonly CaseStatus[] | 'new';
  to: CaseStatus | 'unchanged';
  roles: readonly Actor[];
  event: EventType;
}

const ALL: readonly CaseStatus[] = CASE_STATUSES;

/**
 * The lifecycle as data (城乡规划法 §64/§68; 行政强制法 §35–§44). Anything not listed is refused.
 * `system` is the workflow; people act through the API with their role.
 */
export const TRANSITIONS: readonly Transition[] = [
  { action: 'report', from: 'new', to: 'REPORTED', roles: ['reporter', 'officer'], event: 'CASE_REPORTED' },

  { action: 'start-persuasion', from: ['REPORTED'], to: 'PERSUASION', roles: ['system'], event: 'PERSUASION_STARTED' },
  {
    action: 'record-inspection',
    outcome: 'demolished',
    from: ['PERSUASION'],
    to: 'SELF_DEMOLISHED',
    roles: ['reporter', 'officer'],
    event: 'INSPECTION_RECORDED',
  },
  {
    action: 'record-inspection',
    outcome: 'partially-demolished',
    from: ['PERSUASION'],
    to: 'unchanged',
    roles: ['reporter', 'officer'],
    event: 'INSPECTION_RECORDED',
  },
  {
    action: 'record-inspection',
    outcome: 'not-demolished',
    from: ['PERSUASION'],
    to: 'unchanged',
    roles: ['reporter', 'officer'],
    event: 'INSPECTION_RECORDED',
  },
  {
    action: 'expire-persuasion',
    from: ['PERSUASION'],
    to: 'unchanged',
    roles: ['system'],
    event: 'PERSUASION_EXPIRED',
  },

  {
    action: 'issue-notice',
    from: ['REPORTED', 'PERSUASION'],
    to: 'NOTICE_ISSUED',
    roles: ['system'],
    event: 'NOTICE_ISSUED',
  },
  { action: 'send-reminder', from: ['NOTICE_ISSUED'], to: 'unchanged', roles: ['system'], event: 'REMINDER_SENT' },
  {
    action: 'grant-extension',
    from: ['NOTICE_ISSUED', 'AWAITING_INSPECTION'],
    to: 'NOTICE_ISSUED',
    roles: ['officer'],
    event: 'DEADLINE_EXTENDED',
  },
  // 送达: the notice's deadline runs from when it was served; so do the enforcement decision's windows.
  {
    action: 'record-service',
    outcome: 'notice',
    from: ['NOTICE_ISSUED', 'AWAITING_INSPECTION'],
    to: 'unchanged',
    roles: ['officer'],
    event: 'SERVICE_RECORDED',
  },
  {
    action: 'mark-service-overdue',
    outcome: 'notice',
    from: ['NOTICE_ISSUED'],
    to: 'unchanged',
    roles: ['system'],
    event: 'SERVICE_OVERDUE',
  },
  {
    action: 'open-inspection',
    from: ['NOTICE_ISSUED'],
    to: 'AWAITING_INSPECTION',
    roles: ['system'],
    event: 'INSPECTION_OPENED',
  },
  {
    action: 'record-inspection',
    outcome: 'demolished',
    from: ['AWAITING_INSPECTION'],
    to: 'SELF_DEMOLISHED',
    roles: ['officer'],
    event: 'INSPECTION_RECORDED',
  },
  {
    action: 'record-inspection',
    outcome: 'partially-demolished',
    from: ['AWAITING_INSPECTION'],
    to: 'ESCALATED',
    roles: ['officer'],
    event: 'INSPECTION_RECORDED',
  },
  {
    action: 'record-inspection',
    outcome: 'not-demolished',
    from: ['AWAITING_INSPECTION'],
    to: 'ESCALATED',
    roles: ['officer'],
    event: 'INSPECTION_RECORDED',
  },
  {
    action: 'mark-inspection-overdue',
    from: ['AWAITING_INSPECTION'],
    to: 'unchanged',
    roles: ['system'],
    event: 'INSPECTION_OVERDUE',
  },

  { action: 'escalate', from: ['ESCALATED'], to: 'unchanged', roles: ['system'], event: 'CASE_ESCALATED' },
  {
    action: 'record-representation',
    outcome: 'accepted',
    from: ['ESCALATED', 'ENFORCEMENT_DECIDED'],
    to: 'DISMISSED',
    roles: ['officer'],
    event: 'REPRESENTATION_RECORDED',
  },
  {
    action: 'record-representation',
    outcome: 'rejected',
    from: ['ESCALATED', 'ENFORCEMENT_DECIDED'],
    to: 'unchanged',
    roles: ['officer'],
    event: 'REPRESENTATION_RECORDED',
  },
  {
    action: 'decide-enforcement',
    from: ['ESCALATED'],
    to: 'ENFORCEMENT_DECIDED',
    roles: ['system'],
    event: 'ENFORCEMENT_DECIDED',
  },
  {
    action: 'record-service',
    outcome: 'enforcement-decision',
    from: ['ENFORCEMENT_DECIDED'],
    to: 'unchanged',
    roles: ['officer'],
    event: 'SERVICE_RECORDED',
  },
  {
    action: 'mark-service-overdue',
    outcome: 'enforcement-decision',
    from: ['ENFORCEMENT_DECIDED'],
    to: 'unchanged',
    roles: ['system'],
    event: 'SERVICE_OVERDUE',
  },
  {
    action: 'file-appeal',
    from: ['ENFORCEMENT_DECIDED', 'ENFORCEMENT_SCHEDULED'],
    to: 'ON_HOLD',
    roles: ['officer'],
    event: 'APPEAL_FILED',
  },
  {
    action: 'resolve-appeal',
    outcome: 'upheld',
    from: ['ON_HOLD'],
    to: 'ENFORCEMENT_DECIDED',
    roles: ['officer'],
    event: 'APPEAL_RESOLVED',
  },
  {
    action: 'resolve-appeal',
    outcome: 'revoked',
    from: ['ON_HOLD'],
    to: 'DISMISSED',
    roles: ['officer'],
    event: 'APPEAL_RESOLVED',
  },
  {
    action: 'schedule-enforcement',
    from: ['ENFORCEMENT_DECIDED'],
    to: 'ENFORCEMENT_SCHEDULED',
    roles: ['system'],
    event: 'ENFORCEMENT_SCHEDULED',
  },
  {
    action: 'mark-enforcement-overdue',
    from: ['ENFORCEMENT_SCHEDULED'],
    to: 'unchanged',
    roles: ['system'],
    event: 'ENFORCEMENT_OVERDUE',
  },
  {
    action: 'complete-enforcement',
    from: ['ENFORCEMENT_SCHEDULED'],
    to: 'ENFORCED',
    roles: ['enforcer'],
    event: 'ENFORCEMENT_COMPLETED',
  },

  { action: 'close', from: ['SELF_DEMOLISHED', 'ENFORCED'], to: 'CLOSED', roles: ['system'], event: 'CASE_CLOSED' },
  { action: 'dismiss', from: OPEN_STATUSES, to: 'DISMISSED', roles: ['officer'], event: 'CASE_DISMISSED' },
  { action: 'record-task-failure', from: ALL, to: 'unchanged', roles: ['system'], event: 'TASK_FAILED' },
  { action: 'record-email-failure', from: ALL, to: 'unchanged', roles: ['system'], event: 'EMAIL_FAILED' },
  // A stopped or failed workflow starts again from the case's status: by an officer once the cause is
  // fixed, or by the periodic check when nobody was told.
  {
    action: 'resume-workflow',
    from: WORKFLOW_STATUSES,
    to: 'unchanged',
    roles: ['officer', 'system'],
    event: 'WORKFLOW_RESUMED',
  },
];

export type Decision =
  | { allowed: true; to: CaseStatus; event: EventType; transition: Transition }
  | { allowed: false; reason: string; kind: 'transition' | 'role' };

/**
 * Whether `actor` may take `action` (with `outcome`) on a case in `status`, and where it leads.
 * `status` is `'new'` for a case that does not exist yet.
 */
export function decide(status: CaseStatus | 'new', action: ActionName, actor: Actor, outcome?: string): Decision {
  const candidates = TRANSITIONS.filter(
    (t) => t.action === action && (t.outcome === undefined || t.outcome === outcome),
  );
  if (candidates.length === 0) {
    return {
      allowed: false,
      kind: 'transition',
      reason: `unknown action ${action}${outcome ? ` with outcome ${outcome}` : ''}`,
    };
  }
  const fromHere = candidates.filter((t) =>
    t.from === 'new' ? status === 'new' : status !== 'new' && t.from.includes(status),
  );
  if (fromHere.length === 0) {
    const allowedFrom = [...new Set(candidates.flatMap((t) => (t.from === 'new' ? [] : t.from)))];
    return {
      allowed: false,
      kind: 'transition',
      reason:
        status === 'new'
          ? `${action} needs an existing case`
          : `${action} is not allowed while the case is ${status}${allowedFrom.length ? `; it is allowed in ${allowedFrom.join(', ')}` : ''}`,
    };
  }
  const permitted = fromHere.find((t) => t.roles.includes(actor));
  if (!permitted) {
    const roles = [...new Set(fromHere.flatMap((t) => t.roles))];
    return {
      allowed: false,
      kind: 'role',
      reason: `${action} may be taken only by ${roles.join(' or ')}, not by ${actor}`,
    };
  }
  const to = permitted.to === 'unchanged' ? (status as CaseStatus) : permitted.to;
  return { allowed: true, to, event: permitted.event, transition: permitted };
}

export function isTerminal(status: CaseStatus): boolean {
  return status === 'CLOSED' || status === 'DISMISSED';
}
