import type { WorkingCalendar } from '#domain/calendar';
import type { Deadline } from '#domain/deadlines';
import type { EvidenceStage } from '#domain/evidence';
import type { ActionName } from '#domain/lifecycle';
import { decide } from '#domain/lifecycle';
import type { Policy } from '#domain/policy';
import type {
  AppealAction,
  CaseRecord,
  DismissalAction,
  EnforcementAction,
  ExtensionAction,
  InspectionAction,
  RepresentationAction,
  ResumeAction,
  ServiceAction,
  ServiceRecord,
} from '#domain/schemas';
import { daysBetween, endOfShanghaiDay, shanghaiDateOf, startOfShanghaiDay, yearOf } from '#domain/shanghai-time';
import type { CaseStatus, Role } from '#domain/vocabulary';
import type { MailKind } from '#domain/mail-vocabulary';
import type { MailRequest } from '#mail/mailer';
import type { PhaseInput, WorkflowEngine } from '#workflow/engine';
import { executionName, phaseOfExecution } from '#workflow/engine';
import { notBeforeReport, removedAreaFits } from './action-checks';
import { callDependency } from './dependency-errors';
import { ActionInputError, TransitionRefusedError } from './errors';
import {
  enforcementDecisionDeadlines,
  noticeDeadlineFromService,
  recordedEnforcementWindows,
  serviceTakesEffect,
} from './procedure';
import { carryingExecutionStatus, resumedExecution, resumePlan } from './workflow-resume';

/** What an action changes besides the status: the event's facts and the case fields it sets. */
interface ActionPlan {
  data: Record<string, unknown>;
  patch?: Partial<CaseRecord>;
}

/**
 * An email the action itself sends: the appeal hold (the workflow that would send it is stopped) and
 * what became of a case the office was told about (dismissed, extended, appeal resolved, demolished).
 */
export interface ActionMail {
  kind: Extract<
    MailKind,
    'appeal-hold' | 'case-dismissed' | 'deadline-extended' | 'appeal-resolved' | 'enforcement-completed'
  >;
  facts: MailRequest['facts'];
}

/** What happens in the workflow once the action is stored. */
export type Aftermath =
  | { kind: 'answer-callback'; outcome: string }
  | { kind: 'stop-execution'; cause: string; thenMail?: ActionMail }
  | { kind: 'start-after-appeal'; round: number }
  | { kind: 'start-resume'; execution: PhaseInput }
  | { kind: 'hand-over'; execution: PhaseInput; cause: string }
  | { kind: 'none' };

const NOTHING: Aftermath = { kind: 'none' };

/** One action on a case, declared: its checks and facts, then what follows once it is stored. */
export interface ActionSpec {
  action: ActionName;
  outcome?: string;
  /** Checks the input against the case and says what the action records; throws to refuse it. */
  plan(current: CaseRecord, now: Date, to: CaseStatus): ActionPlan | Promise<ActionPlan>;
  /** What the workflow is told, read from the case before and after the action. */
  aftermath(before: CaseRecord, next: CaseRecord): Aftermath;
  /** The email telling the office of the stored action, if any; sent before the workflow is told. */
  mail?(next: CaseRecord, before: CaseRecord, data: Record<string, unknown>): ActionMail | undefined;
  /**
   * The action moves on a step the workflow waits for. If the workflow no longer runs (it stopped waiting,
   * failed, or was stopped), the action resumes it from the case's new status in the same transaction.
   */
  carriesOnWorkflow?: boolean;
  /**
   * A repeat of the action that is already recorded (retried after a 503): what is left to do instead of
   * recording it again, or undefined when this is no such repeat.
   */
  repeated?(current: CaseRecord, role: Role): Aftermath | undefined;
  /** The case's files the action cites, and the stages a cited file may come from. */
  cites?: {
    evidenceIds: readonly string[] | undefined;
    stages: readonly EvidenceStage[];
    /** The request field a refused id is named by (default `evidenceIds[i]`). */
    field?: (index: number) => string;
  };
}

/** What some actions read besides the case: the policy's limits, the calendar, other cases, the engine. */
export interface ActionSpecDeps {
  store: { getCase(caseId: string, options?: { consistent?: boolean }): Promise<CaseRecord | undefined> };
  engine: WorkflowEngine;
  calendar: WorkingCalendar;
  policy: Policy;
}

/** Fields that stop meaning anything once the waiting step they belong to has been answered. */
function endWaiting(current: CaseRecord, to: CaseStatus): Partial<CaseRecord> {
  return {
    pendingCallback: undefined,
    // The running deadline belongs to the step that just ended; the workflow sets the next one.
    ...(to !== current.status ? { dueAt: undefined } : {}),
  };
}

function notAfterToday(field: string, date: string, now: Date): void {
  if (date > shanghaiDateOf(now))
    throw new ActionInputError(field, `must not be in the future (today is ${shanghaiDateOf(now)} in Asia/Shanghai)`);
}

/**
 * How many appeals of the case were resolved upheld. Cases stored before the count was kept on the case
 * carry it only in the name of their after-appeal execution.
 */
export function appealRoundOf(record: Pick<CaseRecord, 'appealRound' | 'execution'>): number | undefined {
  if (record.appealRound !== undefined) return record.appealRound;
  const carrying = record.execution ? phaseOfExecution(record.execution) : undefined;
  return carrying?.phase === 'after-appeal' ? carrying.round : undefined;
}

/** 复查: the result of an inspection, by an officer (or, during persuasion, the community). */
export function inspectionSpec(input: InspectionAction): ActionSpec {
  return {
    action: 'record-inspection',
    cites: { evidenceIds: input.evidenceIds, stages: ['inspection'] },
    outcome: input.result,
    carriesOnWorkflow: true,
    plan: (current, now, to) => {
      if (input.result === 'not-demolished' && input.areaRemovedM2) {
        throw new ActionInputError('areaRemovedM2', 'must be 0 or absent when the result is not-demolished');
      }
      notBeforeReport('inspectedAt', input.inspectedAt, current);
      removedAreaFits('areaRemovedM2', input.areaRemovedM2, current);
      return {
        data: {
          result: input.result,
          inspectedAt: input.inspectedAt ?? now.toISOString(),
          inspector: input.inspector,
          notes: input.notes,
          areaRemovedM2: input.areaRemovedM2,
          photos: input.photos,
        },
        patch: {
          ...endWaiting(current, to),
          ...(input.areaRemovedM2 !== undefined ? { areaRemovedM2: input.areaRemovedM2 } : {}),
        },
      };
    },
    aftermath: (before) =>
      before.pendingCallback?.kind === 'inspection' || before.pendingCallback?.kind === 'persuasion-result'
        ? { kind: 'answer-callback', outcome: input.result }
        : NOTHING,
  };
}

/** 延期: moves the notice deadline to the end of a later day, within the policy's limits. */
export function extensionSpec(input: ExtensionAction, deps: Pick<ActionSpecDeps, 'calendar' | 'policy'>): ActionSpec {
  const { calendar, policy } = deps;
  return {
    action: 'grant-extension',
    carriesOnWorkflow: true,
    plan: (current, now, to) => {
      const notice = current.notice;
      if (!notice) throw new TransitionRefusedError('the case has no notice deadline to extend', current.version);
      const { maxCount, maxTotalDays } = policy.extensions;
      if (notice.extensionCount >= maxCount) {
        throw new TransitionRefusedError(
          `the notice deadline was already extended ${notice.extensionCount} time(s); the policy allows ${maxCount}`,
          current.version,
        );
      }
      const previous = notice.deadline;
      if (input.newDeadline <= previous.date)
        throw new ActionInputError('newDeadline', `must be later than the current deadline ${previous.date}`);
      if (input.newDeadline < shanghaiDateOf(now))
        throw new ActionInputError(
          'newDeadline',
          `must not be in the past (today is ${shanghaiDateOf(now)} in Asia/Shanghai)`,
        );
      const extraDays = daysBetween(previous.date, input.newDeadline);
      const remaining = maxTotalDays - notice.extendedDays;
      if (extraDays > remaining) {
        throw new ActionInputError(
          'newDeadline',
          `extends the deadline by ${extraDays} days; the policy allows ${remaining} more day(s) in total (${maxTotalDays})`,
        );
      }
      if (!calendar.isWorkingDay(input.newDeadline)) {
        throw new ActionInputError(
          'newDeadline',
          `must be a working day (notice deadlines fall on working days); ${input.newDeadline} is a rest day, the next working day is ${calendar.addWorkingDays(input.newDeadline, 1).date}`,
        );
      }
      const deadline: Deadline = {
        date: input.newDeadline,
        at: endOfShanghaiDay(input.newDeadline).toISOString(),
        provisional: !calendar.hasPublishedYear(yearOf(input.newDeadline)),
      };
      return {
        data: { previousDeadline: previous, deadline, extraDays, reason: input.reason, approver: input.approver },
        patch: {
          ...endWaiting(current, to),
          notice: {
            ...notice,
            deadline,
            extensionCount: notice.extensionCount + 1,
            extendedDays: notice.extendedDays + extraDays,
          },
          // The inspection window is counted again from the new deadline when it passes.
          deadlines: { ...current.deadlines, notice: deadline, inspection: undefined },
          dueAt: deadline.at,
        },
      };
    },
    aftermath: (before) =>
      before.pendingCallback?.kind === 'inspection' ? { kind: 'answer-callback', outcome: 'extended' } : NOTHING,
    mail: (next, before) => ({
      kind: 'deadline-extended',
      facts: {
        previousDeadlineAt: before.notice?.deadline.at,
        extraDays:
          before.notice && next.notice
            ? daysBetween(before.notice.deadline.date, next.notice.deadline.date)
            : undefined,
        extensionReason: input.reason,
        approver: input.approver,
      },
    }),
  };
}

/**
 * 送达 recorded: how and when the notice or the enforcement decision reached the party. Its periods are
 * counted again from that day (for 公告送达, from the end of its period): the notice deadline (never
 * earlier than an extension already granted), or the 公告 period and the 复议/诉讼 windows. The workflow
 * waits for this record before it counts them: the notice's service answers its waiting step; the
 * decision's hands the case to a fresh execution, which waits for the windows (the one that waited for
 * the service stops), so no execution holds both a wait for service and the half-year windows.
 */
export function serviceSpec(input: ServiceAction, deps: Pick<ActionSpecDeps, 'calendar' | 'policy'>): ActionSpec {
  const { calendar, policy } = deps;
  const servedOnField = 'servedOn';
  function service(issuedOn: string, already: ServiceRecord | undefined, version: number, now: Date) {
    if (already)
      throw new TransitionRefusedError(
        `the ${input.document} was already served on ${already.servedOn} (${already.method})`,
        version,
      );
    if (input.servedOn < issuedOn)
      throw new ActionInputError(servedOnField, `must not be before the document was issued (${issuedOn})`);
    const { effectiveOn } = serviceTakesEffect(calendar, policy, input.method, input.servedOn);
    const recorded: ServiceRecord = {
      method: input.method,
      servedOn: input.servedOn,
      effectiveOn,
      receiver: input.receiver,
      witnesses: input.witnesses,
      publishedIn: input.publishedIn,
      consent: input.consent,
      receiptReference: input.receiptReference,
      receiptEvidenceId: input.receiptEvidenceId,
      recordedAt: now.toISOString(),
    };
    return recorded;
  }
  /** The photo of the signed 送达回证, when there is one: a confirmed file of the case's service stage. */
  const cites = {
    evidenceIds: input.receiptEvidenceId ? [input.receiptEvidenceId] : undefined,
    stages: ['service'] as const,
    field: () => 'receiptEvidenceId',
  };
  /** The service the office was reminded of is recorded: the flag that asked for it is answered. */
  const answered = (current: CaseRecord): Partial<CaseRecord> =>
    current.attention?.unserved === input.document ? { attention: undefined } : {};
  if (input.document === 'notice')
    return {
      action: 'record-service',
      outcome: input.document,
      carriesOnWorkflow: true,
      cites,
      plan: (current, now) => {
        const notice = current.notice;
        if (!notice) throw new TransitionRefusedError('the case has no notice to serve', current.version);
        const served = service(shanghaiDateOf(new Date(notice.issuedAt)), notice.service, current.version, now);
        const counted = noticeDeadlineFromService(calendar, policy, current, served.effectiveOn ?? served.servedOn);
        // An extension granted before the service was recorded still holds if it ends later.
        const deadline = notice.extensionCount > 0 && notice.deadline.at > counted.at ? notice.deadline : counted;
        return {
          data: {
            document: input.document,
            service: served,
            notes: input.notes,
            previousDeadline: notice.deadline,
            deadline,
          },
          patch: {
            notice: { ...notice, service: served, deadline },
            deadlines: { ...current.deadlines, notice: deadline, service: undefined },
            dueAt: deadline.at,
            ...(current.pendingCallback?.kind === 'service' ? { pendingCallback: undefined } : {}),
            ...answered(current),
          },
        };
      },
      aftermath: (before) =>
        before.pendingCallback?.kind === 'service' ? { kind: 'answer-callback', outcome: 'served' } : NOTHING,
    };
  return {
    action: 'record-service',
    outcome: input.document,
    cites,
    plan: (current, now) => {
      const decidedAt = current.milestones.ENFORCEMENT_DECIDED ?? current.updatedAt;
      const served = service(shanghaiDateOf(new Date(decidedAt)), current.decisionService, current.version, now);
      const windows = enforcementDecisionDeadlines(
        calendar,
        policy,
        startOfShanghaiDay(served.effectiveOn ?? served.servedOn),
      );
      const handOver = resumePlan(current, now, {
        reason: 'the enforcement decision was served: the announcement and appeal windows run from its service',
      });
      return {
        data: {
          document: input.document,
          service: served,
          notes: input.notes,
          announcement: windows.announcement,
          reconsideration: windows.reconsideration,
          litigation: windows.litigation,
          earliestEnforcement: windows.earliestEnforcement,
          resumedWorkflow: handOver.name,
          ...(current.execution ? { previousExecution: current.execution } : {}),
        },
        patch: {
          ...handOver.patch,
          decisionService: served,
          deadlines: {
            ...current.deadlines,
            announcement: windows.announcement,
            reconsideration: windows.reconsideration,
            litigation: windows.litigation,
            service: undefined,
          },
          dueAt: windows.earliestEnforcement.at,
        },
      };
    },
    aftermath: (_before, next) => {
      const execution = resumedExecution(next);
      return execution
        ? {
            kind: 'hand-over',
            execution,
            cause: 'the enforcement decision was served; a fresh execution waits for its windows',
          }
        : NOTHING;
    },
  };
}

/** 陈述申辩: the party's statement and the decision on it; accepting it ends the case. */
export function representationSpec(input: RepresentationAction): ActionSpec {
  return {
    action: 'record-representation',
    cites: { evidenceIds: input.evidenceIds, stages: ['representation'] },
    outcome: input.outcome,
    plan: (current, now, to) => {
      notAfterToday('receivedOn', input.receivedOn, now);
      return {
        data: {
          receivedOn: input.receivedOn,
          summary: input.summary,
          outcome: input.outcome,
          response: input.response,
        },
        patch: to === 'DISMISSED' ? endWaiting(current, to) : {},
      };
    },
    aftermath: (_before, next) =>
      next.status === 'DISMISSED'
        ? { kind: 'stop-execution', cause: 'representation accepted; case dismissed' }
        : NOTHING,
    mail: (next) =>
      next.status === 'DISMISSED'
        ? {
            kind: 'case-dismissed',
            facts: { dismissalReason: 'representation-accepted', dismissalExplanation: input.response },
          }
        : undefined,
  };
}

/** 复议/诉讼 filed: holds the case and stops its workflow. */
export function appealFiledSpec(input: Extract<AppealAction, { action: 'filed' }>): ActionSpec {
  return {
    action: 'file-appeal',
    cites: { evidenceIds: input.evidenceIds, stages: ['appeal'] },
    plan: (current, now, to) => {
      notAfterToday('filedOn', input.filedOn, now);
      return {
        data: {
          kind: input.kind,
          filedOn: input.filedOn,
          authority: input.authority,
          reference: input.reference,
        },
        patch: { ...endWaiting(current, to), dueAt: undefined },
      };
    },
    aftermath: () => ({
      kind: 'stop-execution',
      cause: `appeal filed (${input.kind}); case on hold`,
      thenMail: {
        kind: 'appeal-hold',
        facts: {
          appealKind: input.kind,
          appealFiledOn: input.filedOn,
          appealAuthority: input.authority,
          appealReference: input.reference,
        },
      },
    }),
  };
}

/**
 * 复议/诉讼 resolved: upheld resumes enforcement in a new after-appeal phase (its round counted on the
 * case), revoked ends the case. Repeating an upheld resolution once recorded (after a 503 because the
 * phase could not start) writes nothing and makes sure the phase runs: the case can only be
 * ENFORCEMENT_DECIDED under an after-appeal execution if that resolution was recorded.
 */
export function appealResolvedSpec(input: Extract<AppealAction, { action: 'resolved' }>): ActionSpec {
  return {
    action: 'resolve-appeal',
    cites: { evidenceIds: input.evidenceIds, stages: ['appeal'] },
    outcome: input.outcome,
    repeated: (current, role) => {
      const round = appealRoundOf(current);
      if (
        input.outcome !== 'upheld' ||
        current.status !== 'ENFORCEMENT_DECIDED' ||
        round === undefined ||
        current.execution !== executionName({ caseId: current.id, phase: 'after-appeal', round }) ||
        !decide('ON_HOLD', 'resolve-appeal', role, 'upheld').allowed
      )
        return undefined;
      return { kind: 'start-after-appeal', round };
    },
    plan: (current, now, to) => {
      notAfterToday('resolvedOn', input.resolvedOn, now);
      const data = {
        outcome: input.outcome,
        resolvedOn: input.resolvedOn,
        reference: input.reference,
        summary: input.summary,
      };
      if (to !== 'ENFORCEMENT_DECIDED') return { data, patch: endWaiting(current, to) };
      const appealRound = (appealRoundOf(current) ?? 0) + 1;
      const execution = executionName({ caseId: current.id, phase: 'after-appeal', round: appealRound });
      // The windows recorded at the decision still run: the case is due when the last one ends.
      const windows = recordedEnforcementWindows(current);
      return {
        data: { ...data, execution },
        patch: { ...endWaiting(current, to), execution, appealRound, ...(windows ? { dueAt: windows.at } : {}) },
      };
    },
    aftermath: (_before, next) =>
      next.status === 'ENFORCEMENT_DECIDED' && next.appealRound !== undefined
        ? { kind: 'start-after-appeal', round: next.appealRound }
        : NOTHING,
    mail: () => ({
      kind: 'appeal-resolved',
      facts: {
        appealOutcome: input.outcome,
        appealResolvedOn: input.resolvedOn,
        appealReference: input.reference,
        appealSummary: input.summary,
      },
    }),
  };
}

/** 强制拆除 done: recorded by the enforcement team. */
export function enforcementSpec(input: EnforcementAction): ActionSpec {
  return {
    action: 'complete-enforcement',
    cites: { evidenceIds: input.evidenceIds, stages: ['enforcement'] },
    carriesOnWorkflow: true,
    plan: (current, now, to) => {
      const completedAt = input.completedAt ?? now.toISOString();
      notBeforeReport('completedAt', completedAt, current);
      removedAreaFits('areaRemovedM2', input.areaRemovedM2, current, current.areaRemovedM2);
      return {
        data: { completedAt, teamLead: input.teamLead, areaRemovedM2: input.areaRemovedM2, notes: input.notes },
        // Area an earlier partial self-demolition removed stays counted.
        patch: { ...endWaiting(current, to), areaRemovedM2: (current.areaRemovedM2 ?? 0) + input.areaRemovedM2 },
      };
    },
    aftermath: (before) =>
      before.pendingCallback?.kind === 'enforcement' ? { kind: 'answer-callback', outcome: 'completed' } : NOTHING,
    mail: (_next, _before, data) => ({
      kind: 'enforcement-completed',
      facts: {
        completedAt: typeof data.completedAt === 'string' ? data.completedAt : undefined,
        teamLead: input.teamLead,
        areaRemovedM2: input.areaRemovedM2,
        enforcementNotes: input.notes,
      },
    }),
  };
}

/**
 * Starts a stopped or failed workflow again from the case's status, once the cause is fixed; a case
 * whose workflow is running needs no resume. The attention flag is cleared: the workflow carries it.
 */
export function resumeSpec(
  input: ResumeAction,
  deps: Pick<ActionSpecDeps, 'engine' | 'calendar' | 'policy'>,
): ActionSpec {
  return {
    action: 'resume-workflow',
    plan: async (current, now) => {
      const status = await carryingExecutionStatus(deps.engine, current);
      if (status === 'RUNNING') {
        throw new TransitionRefusedError(
          `the case's workflow is running (execution ${current.execution}); it needs no resume — act on its pending step instead`,
          current.version,
        );
      }
      const resumed = resumePlan(current, now, {
        reason: input.reason,
        renew: { calendar: deps.calendar, policy: deps.policy },
      });
      return { data: { ...resumed.data, previousExecutionStatus: status ?? 'none' }, patch: resumed.patch };
    },
    aftermath: (_before, next) => {
      const execution = resumedExecution(next);
      return execution ? { kind: 'start-resume', execution } : NOTHING;
    },
  };
}

/** 撤销: not a violation, a duplicate, withdrawn… from any open state. */
export function dismissalSpec(input: DismissalAction, deps: Pick<ActionSpecDeps, 'store'>): ActionSpec {
  return {
    action: 'dismiss',
    plan: async (current, _now, to) => {
      const duplicateOf = input.duplicateOf;
      if (duplicateOf !== undefined) {
        if (duplicateOf === current.id) throw new ActionInputError('duplicateOf', 'must name another case');
        const original = await callDependency('database', () => deps.store.getCase(duplicateOf, { consistent: false }));
        if (!original) throw new ActionInputError('duplicateOf', `case ${duplicateOf} does not exist`);
      }
      return {
        data: { reason: input.reason, explanation: input.explanation, duplicateOf: input.duplicateOf },
        patch: endWaiting(current, to),
      };
    },
    aftermath: () => ({ kind: 'stop-execution', cause: `dismissed: ${input.reason}` }),
    mail: () => ({
      kind: 'case-dismissed',
      facts: {
        dismissalReason: input.reason,
        dismissalExplanation: input.explanation,
        duplicateOf: input.duplicateOf,
      },
    }),
  };
}
