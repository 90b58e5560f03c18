import type { WorkingCalendar } from '#domain/calendar';
import type { Deadline } from '#domain/deadlines';
import { deadlineAfter, enforcementSlot, latestOf, reminderTime } from '#domain/deadlines';
import type { Period, Policy } from '#domain/policy';
import { noticePeriodFor } from '#domain/policy';
import type { ActorRef, CaseRecord } from '#domain/schemas';
import type { IsoDate } from '#domain/shanghai-time';
import { addDays, addMonths, daysBetween, startOfShanghaiDay } from '#domain/shanghai-time';
import type { ServedDocument, ServiceMethod } from '#domain/vocabulary';
import { CATEGORIES, SEVERITIES } from '#domain/vocabulary';

/**
 * The system steps of the procedure as plain computations: which deadline each step sets, counted in
 * Asia/Shanghai working days and statutory periods. The workflow tasks call these; nothing here touches
 * AWS, so every rule is testable on its own.
 */

/** The workflow acts as `system`; its events name it so. */
export const WORKFLOW_ACTOR: ActorRef = { sub: 'rectify-workflow', role: 'system' };

/**
 * 送达: the day a document counts as served, which its periods run from. A document served by public
 * announcement counts as served when the policy's `serviceByAnnouncement` period (民事诉讼法 §95: 三十日)
 * has passed since it was published; every other method on the day it reached the party.
 */
export function serviceTakesEffect(
  calendar: WorkingCalendar,
  policy: Policy,
  method: ServiceMethod,
  servedOn: IsoDate,
): { effectiveOn: IsoDate; provisional: boolean } {
  if (method !== 'announcement') return { effectiveOn: servedOn, provisional: false };
  const ends = deadlineAfter(calendar, startOfShanghaiDay(servedOn), policy.serviceByAnnouncement);
  return { effectiveOn: ends.date, provisional: ends.provisional };
}

/**
 * 送达 awaited: the end of the window the office has to record the service of a document issued (or last
 * found unserved) at `from`. Counted from that instant, so the window is the same however late the workflow wakes.
 */
export function serviceWindowEnd(calendar: WorkingCalendar, policy: Policy, from: Date): Deadline {
  return deadlineAfter(calendar, from, policy.serviceWindow);
}

/** The issued document the workflow must see served before it counts its periods, if any. */
export function unservedDocument(
  record: Pick<CaseRecord, 'status' | 'notice' | 'deadlines' | 'decisionService'>,
): ServedDocument | undefined {
  if (record.status === 'NOTICE_ISSUED' && record.notice && !record.notice.service) return 'notice';
  if (record.status === 'ENFORCEMENT_DECIDED' && record.deadlines.announcement && !record.decisionService)
    return 'enforcement-decision';
  return undefined;
}

/**
 * When the office must have recorded the service of `document`: one window after it was issued, or the
 * window a missed one moved it to (kept on the case as `deadlines.service`).
 */
export function serviceDue(
  calendar: WorkingCalendar,
  policy: Policy,
  record: Pick<CaseRecord, 'id' | 'notice' | 'milestones' | 'deadlines'>,
  document: ServedDocument,
): Deadline {
  const issued = document === 'notice' ? record.notice?.issuedAt : record.milestones.ENFORCEMENT_DECIDED;
  if (!issued) throw new Error(`case ${record.id} has no ${document} to serve`);
  const moved = record.deadlines.service;
  if (moved && moved.at > issued) return moved;
  return serviceWindowEnd(calendar, policy, new Date(issued));
}

/** 限期拆除: the notice deadline counted from the day the notice was served (its effective day). */
export function noticeDeadlineFromService(
  calendar: WorkingCalendar,
  policy: Policy,
  record: Pick<CaseRecord, 'category' | 'severity'>,
  effectiveOn: IsoDate,
): Deadline {
  return deadlineAfter(
    calendar,
    startOfShanghaiDay(effectiveOn),
    noticePeriodFor(policy, record.category, record.severity),
  );
}

/** 督促自行拆除: the end of the persuasion period that starts now. */
export function persuasionDeadline(calendar: WorkingCalendar, policy: Policy, from: Date): Deadline {
  return deadlineAfter(calendar, from, policy.persuasion);
}

/**
 * 限期拆除: the notice deadline for the case's category and severity, as if the notice were served on
 * the day it is issued (the earliest it can be served); recorded service counts it again.
 */
export function noticeDeadline(
  calendar: WorkingCalendar,
  policy: Policy,
  record: Pick<CaseRecord, 'category' | 'severity'>,
  issuedAt: Date,
): { period: Period; deadline: Deadline } {
  const period = noticePeriodFor(policy, record.category, record.severity);
  return { period, deadline: deadlineAfter(calendar, issuedAt, period) };
}

/** When the party is reminded of `deadline` (never before `now`). */
export function reminderFor(
  calendar: WorkingCalendar,
  policy: Policy,
  deadline: Deadline,
  now: Date,
): { at: string; provisional: boolean } {
  return reminderTime(calendar, policy, deadline, now);
}

/**
 * The inspection window after a deadline: counted from the deadline's own date, so the window is the
 * same however late the workflow wakes.
 */
export function inspectionDeadline(calendar: WorkingCalendar, policy: Policy, after: Deadline): Deadline {
  return deadlineAfter(calendar, new Date(after.at), policy.inspectionWindow);
}

/** A missed step (inspection or demolition) is awaited again for one more inspection window. */
export function overdueWindow(calendar: WorkingCalendar, policy: Policy, missed: Deadline): Deadline {
  return deadlineAfter(calendar, new Date(missed.at), policy.inspectionWindow);
}

/** 催告书: the period for self-performance and 陈述申辩 (行政强制法 §35–§36). */
export function urgeDeadline(calendar: WorkingCalendar, policy: Policy, from: Date): Deadline {
  return deadlineAfter(calendar, from, policy.urgePeriod);
}

export interface EnforcementDecisionDeadlines {
  /** 强制拆除公告: the announced self-demolition period (§44). */
  announcement: Deadline;
  /** 行政复议: the reconsideration window. */
  reconsideration: Deadline;
  /** 行政诉讼: the litigation window. */
  litigation: Deadline;
  /** Forced demolition may not start before all three have passed. */
  earliestEnforcement: Deadline;
}

/**
 * The periods an enforcement decision starts, all counted from the day the party was served with it
 * (the day of the decision until its service is recorded).
 */
export function enforcementDecisionDeadlines(
  calendar: WorkingCalendar,
  policy: Policy,
  servedAt: Date,
): EnforcementDecisionDeadlines {
  const announcement = deadlineAfter(calendar, servedAt, policy.announcementPeriod);
  const reconsideration = deadlineAfter(calendar, servedAt, policy.reconsiderationWindow);
  const litigation = deadlineAfter(calendar, servedAt, policy.litigationWindow);
  return {
    announcement,
    reconsideration,
    litigation,
    earliestEnforcement: latestOf(announcement, reconsideration, litigation),
  };
}

/** The windows that must pass before forced demolition, as recorded on the case. */
export function recordedEnforcementWindows(record: CaseRecord): Deadline | undefined {
  const { announcement, reconsideration, litigation } = record.deadlines;
  const windows = [announcement, reconsideration, litigation].filter((d): d is Deadline => d !== undefined);
  return windows.length ? latestOf(...windows) : undefined;
}

/**
 * 强制拆除 scheduled on the first working-day, day-time slot (§43) once the office has had the notice the
 * policy gives it (`enforcementNotice`, counted from `now`, when the slot is set and emailed), and the
 * time the enforcement team then has to record it.
 */
export function enforcementSchedule(
  calendar: WorkingCalendar,
  policy: Policy,
  now: Date,
): { slot: { at: string; date: string; provisional: boolean }; completeBy: Deadline } {
  const noticeEnds =
    policy.enforcementNotice.amount > 0 ? deadlineAfter(calendar, now, policy.enforcementNotice) : undefined;
  const earliest = noticeEnds ? startOfShanghaiDay(noticeEnds.date) : now;
  const found = enforcementSlot(calendar, policy, earliest);
  const slot = noticeEnds?.provisional ? { ...found, provisional: true } : found;
  return { slot, completeBy: deadlineAfter(calendar, new Date(slot.at), policy.enforcementWindow) };
}

/** Whether a legal instant has come (a Wait that wakes early finds it has not and waits again). */
export function hasPassed(instant: string, now: Date): boolean {
  return Date.parse(instant) <= now.getTime();
}

// ---------------------------------------------------------------------------------------------------
// Bounds: no execution may approach Step Functions' limits (1 year, 25,000 history events).
// ---------------------------------------------------------------------------------------------------

/** Step Functions ends a Standard execution after one year; phases are kept well inside it. */
export const MAX_PHASE_DAYS = 330;

interface CalendarTable {
  dates: string[];
  /** Consecutive rest days starting at each index (0 on a working day). */
  restRun: Int32Array;
  /** Working days among the first i days. */
  workingBefore: Int32Array;
  spans: Map<string, number>;
}

const tables = new WeakMap<WorkingCalendar, CalendarTable>();

function tableOf(calendar: WorkingCalendar): CalendarTable {
  const cached = tables.get(calendar);
  if (cached) return cached;
  const years = calendar.publishedYears();
  const first = years[0] ?? 2026;
  const last = years[years.length - 1] ?? first;
  const dates: string[] = [];
  for (let date = `${first}-01-01`; date <= `${last}-12-31`; date = addDays(date, 1)) dates.push(date);
  const working = dates.map((date) => calendar.isWorkingDay(date));
  const restRun = new Int32Array(dates.length + 1);
  for (let i = dates.length - 1; i >= 0; i -= 1) restRun[i] = working[i] ? 0 : (restRun[i + 1] ?? 0) + 1;
  const workingBefore = new Int32Array(dates.length + 1);
  working.forEach((isWorking, i) => {
    workingBefore[i + 1] = (workingBefore[i] ?? 0) + (isWorking ? 1 : 0);
  });
  const table = { dates, restRun, workingBefore, spans: new Map<string, number>() };
  tables.set(calendar, table);
  return table;
}

/**
 * The longest a period has lasted (in calendar days, start day not counted) for any start date in the
 * calendar's published years, computed as `deadlineAfter` counts: holidays and 调休 included, so the
 * figure is what the law has actually produced, not a rough allowance.
 */
export function longestSpanDays(calendar: WorkingCalendar, period: Period): number {
  const table = tableOf(calendar);
  const key = `${period.amount}:${period.unit}`;
  const cached = table.spans.get(key);
  if (cached !== undefined) return cached;
  const { dates, restRun, workingBefore } = table;
  const at = (array: Int32Array, i: number) => array[i] ?? 0;
  let longest = 0;
  let end = 0;
  for (let start = 0; start < dates.length; start += 1) {
    let span: number | undefined;
    if (period.unit === 'working-days') {
      // The n-th working day after the start day.
      if (period.amount === 0) span = 0;
      else {
        end = Math.max(end, start + 1);
        while (end < dates.length && at(workingBefore, end + 1) - at(workingBefore, start + 1) < period.amount)
          end += 1;
        if (end < dates.length) span = end - start;
      }
    } else {
      const nominal =
        period.unit === 'months'
          ? start + daysBetween(dates[start] as string, addMonths(dates[start] as string, period.amount))
          : start + period.amount;
      // A period ending on a rest day ends on the next working day.
      if (nominal + at(restRun, nominal) < dates.length) span = nominal - start + at(restRun, nominal);
    }
    if (span !== undefined) longest = Math.max(longest, span);
  }
  table.spans.set(key, longest);
  return longest;
}

/** The longest run of consecutive rest days (weekends and holidays) in the published calendar. */
function longestRestRunDays(calendar: WorkingCalendar): number {
  // A zero-day period ends on the next working day: its longest span is the longest rest run.
  return longestSpanDays(calendar, { amount: 0, unit: 'calendar-days' });
}

export interface PhaseBound {
  /** Longest legal time the phase's execution can run, in days. */
  days: number;
  /** Most states the execution can enter (each loop bounded by policy counts). */
  stateEntries: number;
  /** How the figure is made up, for people. */
  formula: string;
}

/**
 * The designed maximum of each phase's execution under a policy. Intake: persuasion + every window for
 * the notice's service + the longest notice period + every extension day + the inspection window and each
 * overdue round + the 催告 period. Enforcement and after-appeal: the longer of waiting for the decision's
 * service (every window; once served, a fresh execution carries on) and the longest of the 公告/复议/诉讼
 * windows + the wait for a working-day slot + the enforcement window and each overdue round.
 */
export function phaseBounds(
  policy: Policy,
  calendar: WorkingCalendar,
): Record<'intake' | 'enforcement' | 'after-appeal' | 'resume', PhaseBound> {
  const span = (period: Period) => longestSpanDays(calendar, period);
  const rounds = policy.inspectionOverdueRounds;
  const serviceRounds = policy.serviceOverdueRounds;
  const longestNotice = Math.max(
    ...CATEGORIES.flatMap((c) => SEVERITIES.map((s) => span(noticePeriodFor(policy, c, s)))),
  );
  const inspection = span(policy.inspectionWindow);
  // Every service window the workflow waits for an unserved document, the last one included.
  const serviceWait = (serviceRounds + 1) * span(policy.serviceWindow);
  const intakeDays =
    span(policy.persuasion) +
    serviceWait +
    longestNotice +
    policy.extensions.maxTotalDays +
    (rounds + 1) * inspection +
    span(policy.urgePeriod);
  const windows = Math.max(
    span(policy.announcementPeriod),
    span(policy.reconsiderationWindow),
    span(policy.litigationWindow),
  );
  const slotWait = span(policy.enforcementNotice) + longestRestRunDays(calendar) + 1;
  const windowsPath = windows + slotWait + span(policy.enforcementWindow) + rounds * inspection;
  // An execution that waited for the decision's service hands the case over once it is served: the
  // windows run in a fresh execution, so a phase holds one or the other, never both.
  const enforcementDays = Math.max(windowsPath, serviceWait);
  // State entries along the longest path of the ASL (docs/workflow.md); test/workflow/phase-entries.test.ts
  // counts each figure again from the state graph.
  const intakeEntries =
    INTAKE_BASE_ENTRIES +
    SERVICE_ROUND_ENTRIES * (serviceRounds + 1) +
    EXTENSION_LOOP_ENTRIES * policy.extensions.maxCount +
    OVERDUE_ROUND_ENTRIES * (rounds + 1) +
    FAILURE_ENTRIES;
  const enforcementEntries =
    ENFORCEMENT_BASE_ENTRIES +
    SERVICE_ANSWERED_ENTRIES +
    Math.max(OVERDUE_ROUND_ENTRIES * (rounds + 1), SERVICE_ROUND_ENTRIES * (serviceRounds + 1)) +
    FAILURE_ENTRIES;
  const serviceFormula = `${serviceRounds + 1} × service window ${span(policy.serviceWindow)}`;
  const enforcement: PhaseBound = {
    days: enforcementDays,
    stateEntries: enforcementEntries,
    formula:
      windowsPath >= serviceWait
        ? `max(公告 ${span(policy.announcementPeriod)}, 复议 ${span(policy.reconsiderationWindow)}, 诉讼 ${span(policy.litigationWindow)}) + slot ${slotWait} + enforcement window ${span(policy.enforcementWindow)} + ${rounds} × overdue ${inspection}`
        : `waiting for the decision's service: ${serviceFormula}`,
  };
  const intake: PhaseBound = {
    days: intakeDays,
    stateEntries: intakeEntries,
    formula: `persuasion ${span(policy.persuasion)} + ${serviceFormula} + notice ${longestNotice} + extensions ${policy.extensions.maxTotalDays} + ${rounds + 1} × inspection ${inspection} + 催告 ${span(policy.urgePeriod)}`,
  };
  // A resumed workflow carries on one of the other phases from wherever the case stands.
  const longer = intake.days >= enforcement.days ? intake : enforcement;
  const resume: PhaseBound = {
    days: longer.days,
    stateEntries: Math.max(intake.stateEntries, enforcement.stateEntries) + RESUME_ENTRIES,
    formula: `the longer of intake and enforcement: ${longer.formula}`,
  };
  return { intake, enforcement, 'after-appeal': enforcement, resume };
}

/** Intake's longest straight path with persuasion, notice, service, reminder, inspection and hand-over. */
export const INTAKE_BASE_ENTRIES = 23;
/** An extension sends the case round the reminder and deadline loop once more. */
export const EXTENSION_LOOP_ENTRIES = 9;
/** Each callback timeout: record the overdue step, decide, wait again. */
export const OVERDUE_ROUND_ENTRIES = 3;
/** Each service window that passes unserved: record it, decide, wait again. */
export const SERVICE_ROUND_ENTRIES = 3;
/** Windows, scheduling, the enforcer's callback and the close. */
export const ENFORCEMENT_BASE_ENTRIES = 8;
/** The decision found served when its service step opened: back to the windows check, once. */
export const SERVICE_ANSWERED_ENTRIES = 6;
/** Finding where the case stands and routing there. */
export const RESUME_ENTRIES = 2;
/** Record the failure, then fail. */
export const FAILURE_ENTRIES = 2;

/** Refuses a policy under which some phase could run longer than `MAX_PHASE_DAYS`. */
export function assertPolicyFitsWorkflow(policy: Policy, calendar: WorkingCalendar): void {
  const bounds = phaseBounds(policy, calendar);
  const tooLong = Object.entries(bounds).filter(([, bound]) => bound.days > MAX_PHASE_DAYS);
  if (tooLong.length) {
    throw new Error(
      `policy makes a workflow phase too long for one execution (limit ${MAX_PHASE_DAYS} days): ${tooLong
        .map(([phase, bound]) => `${phase} ${bound.days} days = ${bound.formula}`)
        .join('; ')}`,
    );
  }
}
