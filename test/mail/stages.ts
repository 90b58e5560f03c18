import { applyEvent, formatNoticeNumber } from '#domain/case-history';
import { chinaCalendar } from '#domain/china-calendar';
import { deadlineAfter, enforcementSlot, latestOf } from '#domain/deadlines';
import { noticePeriodFor, resolvePolicy } from '#domain/policy';
import type { CaseRecord, CaseSubmission } from '#domain/schemas';
import type { CaseStatus, EventType } from '#domain/vocabulary';
import type { CaseStore } from '#store/case-store';
import type { MailKind } from '#domain/mail-vocabulary';
import { reportedCase } from '../fixtures/cases';

/** A case at every stage an email is sent from, each stage committed to the store with the real deadlines. */
export interface CaseStages {
  reported: CaseRecord;
  noticed: CaseRecord;
  awaitingInspection: CaseRecord;
  escalated: CaseRecord;
  decided: CaseRecord;
  onHold: CaseRecord;
  scheduled: CaseRecord;
  /** Branches off the path above, built but not committed (each ends or leaves the path). */
  extended: CaseRecord;
  dismissed: CaseRecord;
  closed: CaseRecord;
  resolved: CaseRecord;
  enforced: CaseRecord;
}

const SYSTEM = { sub: 'workflow', role: 'system' as const };

/** Without a store the stages are only built, not committed (rendering tests). */
export async function caseThroughStages(
  store: CaseStore | undefined,
  options: { submission?: CaseSubmission; reportedAt?: Date; noticeSequence?: number } = {},
): Promise<CaseStages> {
  const calendar = chinaCalendar();
  const policy = resolvePolicy();
  const reportedAt = options.reportedAt ?? new Date('2026-11-25T02:00:00Z');
  const opened = reportedCase(reportedAt, options.submission);
  await store?.intake.createCase(opened.record, opened.event);
  let current = opened.record;
  const step = async (
    type: EventType,
    to: CaseStatus,
    at: Date,
    patch: Partial<CaseRecord>,
    data: Record<string, unknown> = {},
  ) => {
    const { next, event } = applyEvent(current, { type, actor: SYSTEM, at, data }, to, patch);
    await store?.commit(current, next, event);
    current = next;
    return next;
  };

  const issuedAt = new Date(reportedAt.getTime() + 24 * 3_600_000);
  const noticeDeadline = deadlineAfter(calendar, issuedAt, noticePeriodFor(policy, current.category, current.severity));
  const noticed = await step('NOTICE_ISSUED', 'NOTICE_ISSUED', issuedAt, {
    notice: {
      number: formatNoticeNumber(2026, options.noticeSequence ?? 12),
      issuedAt: issuedAt.toISOString(),
      deadline: noticeDeadline,
      service: { method: 'direct', servedOn: issuedAt.toISOString().slice(0, 10) },
      extensionCount: 0,
      extendedDays: 0,
    },
    deadlines: { notice: noticeDeadline },
    dueAt: noticeDeadline.at,
  });

  const openedAt = new Date(Date.parse(noticeDeadline.at) + 1);
  const inspection = deadlineAfter(calendar, openedAt, policy.inspectionWindow);
  const awaitingInspection = await step('INSPECTION_OPENED', 'AWAITING_INSPECTION', openedAt, {
    deadlines: { ...current.deadlines, inspection },
    dueAt: inspection.at,
    pendingCallback: {
      token: 'token-inspection-1',
      kind: 'inspection',
      openedAt: openedAt.toISOString(),
      dueAt: inspection.at,
    },
  });

  const inspectedAt = new Date(openedAt.getTime() + 26 * 3_600_000);
  const urge = deadlineAfter(calendar, inspectedAt, policy.urgePeriod);
  const escalated = await step(
    'INSPECTION_RECORDED',
    'ESCALATED',
    inspectedAt,
    { deadlines: { ...current.deadlines, urge }, dueAt: urge.at, pendingCallback: undefined },
    { result: 'not-demolished' },
  );

  const decidedAt = new Date(Date.parse(urge.at) + 1);
  const announcement = deadlineAfter(calendar, decidedAt, policy.announcementPeriod);
  const reconsideration = deadlineAfter(calendar, decidedAt, policy.reconsiderationWindow);
  const litigation = deadlineAfter(calendar, decidedAt, policy.litigationWindow);
  const decided = await step('ENFORCEMENT_DECIDED', 'ENFORCEMENT_DECIDED', decidedAt, {
    deadlines: { ...current.deadlines, announcement, reconsideration, litigation },
    dueAt: latestOf(announcement, reconsideration, litigation).at,
  });

  const onHold = await step(
    'APPEAL_FILED',
    'ON_HOLD',
    new Date(decidedAt.getTime() + 5 * 24 * 3_600_000),
    {},
    { kind: 'reconsideration' },
  );
  const resumed = await step(
    'APPEAL_RESOLVED',
    'ENFORCEMENT_DECIDED',
    new Date(decidedAt.getTime() + 40 * 24 * 3_600_000),
    {},
    { outcome: 'upheld' },
  );

  const windowsEnd = latestOf(announcement, reconsideration, litigation);
  const slot = enforcementSlot(calendar, policy, new Date(Date.parse(windowsEnd.at) + 1));
  const enforcementDue = deadlineAfter(calendar, new Date(slot.at), policy.enforcementWindow);
  const scheduled = await step(
    'ENFORCEMENT_SCHEDULED',
    'ENFORCEMENT_SCHEDULED',
    new Date(Date.parse(windowsEnd.at) + 1),
    {
      enforcementAt: slot.at,
      deadlines: { ...resumed.deadlines, enforcement: enforcementDue },
      dueAt: enforcementDue.at,
    },
  );

  const branch = (from: CaseRecord, type: EventType, to: CaseStatus, at: Date, patch: Partial<CaseRecord>) =>
    applyEvent(from, { type, actor: SYSTEM, at, data: {} }, to, patch).next;
  const notice = noticed.notice;
  if (!notice) throw new Error('the noticed stage has no notice');
  const extendedDeadline = deadlineAfter(calendar, new Date(noticeDeadline.at), { amount: 10, unit: 'calendar-days' });
  const extended = branch(
    noticed,
    'DEADLINE_EXTENDED',
    'NOTICE_ISSUED',
    new Date(issuedAt.getTime() + 3 * 24 * 3_600_000),
    {
      notice: { ...notice, deadline: extendedDeadline, extensionCount: 1, extendedDays: 10 },
      deadlines: { ...noticed.deadlines, notice: extendedDeadline },
      dueAt: extendedDeadline.at,
    },
  );
  const dismissed = branch(
    escalated,
    'CASE_DISMISSED',
    'DISMISSED',
    new Date(inspectedAt.getTime() + 2 * 24 * 3_600_000),
    { dueAt: undefined },
  );
  const demolishedAt = new Date(openedAt.getTime() + 20 * 3_600_000);
  const selfDemolished = branch(awaitingInspection, 'INSPECTION_RECORDED', 'SELF_DEMOLISHED', demolishedAt, {
    pendingCallback: undefined,
    dueAt: undefined,
    areaRemovedM2: awaitingInspection.areaM2,
  });
  const closed = branch(selfDemolished, 'CASE_CLOSED', 'CLOSED', new Date(demolishedAt.getTime() + 60_000), {
    closedAt: new Date(demolishedAt.getTime() + 60_000).toISOString(),
  });
  const enforcedAt = new Date(Date.parse(slot.at) + 5 * 3_600_000);
  const enforced = branch(scheduled, 'ENFORCEMENT_COMPLETED', 'ENFORCED', enforcedAt, {
    dueAt: undefined,
    areaRemovedM2: scheduled.areaM2,
  });

  return {
    reported: opened.record,
    noticed,
    awaitingInspection,
    escalated,
    decided,
    onHold,
    scheduled,
    extended,
    dismissed,
    closed,
    resolved: resumed,
    enforced,
  };
}

/** The stage each kind is sent from. */
export function recordFor(stages: CaseStages, kind: MailKind): CaseRecord {
  switch (kind) {
    case 'notice-copy':
    case 'notice-to-party':
    case 'reminder':
    case 'service-overdue':
      return stages.noticed;
    case 'inspection-overdue':
      return stages.awaitingInspection;
    case 'escalation':
      return stages.escalated;
    case 'enforcement-decided':
      return stages.decided;
    case 'appeal-hold':
      return stages.onHold;
    case 'deadline-extended':
      return stages.extended;
    case 'case-dismissed':
      return stages.dismissed;
    case 'case-closed':
      return stages.closed;
    case 'appeal-resolved':
      return stages.resolved;
    case 'enforcement-completed':
      return stages.enforced;
    case 'enforcement-scheduled':
    case 'enforcement-overdue':
    case 'workflow-failure':
      return stages.scheduled;
  }
}
