import { applyEvent } from '../domain/case-history';
import type { Deadline } from '../domain/deadlines';
import type { ActionName } from '../domain/lifecycle';
import { decide } from '../domain/lifecycle';
import type {
  AppealAction,
  CaseRecord,
  DismissalAction,
  EnforcementAction,
  ExtensionAction,
  InspectionAction,
  RepresentationAction,
  ResumeAction,
} from '../domain/schemas';
import { daysBetween, endOfShanghaiDay, shanghaiDateOf, yearOf } from '../domain/shanghai-time';
import type { CaseStatus, EventType } from '../domain/vocabulary';
import { WORKFLOW_STATUSES } from '../domain/vocabulary';
import { VersionConflictError } from '../store/errors';
import { executionName } from '../workflow/engine';
import { resumeAfterAppeal } from '../workflow/phases';
import { recordedEnforcementWindows } from './procedure';
import type { AppDeps } from './context';
import type { MailKind, MailRequest } from '../mail/mailer';
import { silentLogger } from './context';
import type { Viewer } from './case-view';
import { maySee } from './case-view';
import { callDependency, callEngine } from './dependency-errors';
import { notBeforeReport, removedAreaFits } from './action-checks';
import type { ResumePlan } from './workflow-resume';
import { carryingExecutionStatus, resumePlan } from './workflow-resume';
import {
  ActionInputError,
  CaseNotFoundError,
  DependencyUnavailableError,
  RoleRefusedError,
  StaleVersionError,
  TransitionRefusedError,
} from './errors';

/** What an action changes besides the status: the event's facts and the case fields it sets. */
interface ActionPlan {
  data: Record<string, unknown>;
  patch?: Partial<CaseRecord>;
}

/**
 * An email the action itself sends: the appeal hold (the workflow that would send it is stopped) and
 * what became of a case the office was told about (dismissed, extended, appeal resolved, demolished).
 */
interface ActionMail {
  kind: Extract<
    MailKind,
    'appeal-hold' | 'case-dismissed' | 'deadline-extended' | 'appeal-resolved' | 'enforcement-completed'
  >;
  facts: MailRequest['facts'];
}

/** What happens in the workflow once the action is stored. */
type Aftermath =
  | { kind: 'answer-callback'; outcome: string }
  | { kind: 'stop-execution'; cause: string; thenMail?: ActionMail }
  | { kind: 'start-after-appeal'; round: number }
  | { kind: 'start-resume'; plan: ResumePlan }
  | { kind: 'none' };

interface ActionSpec {
  action: ActionName;
  outcome?: string;
  plan(current: CaseRecord, now: Date, to: CaseStatus): ActionPlan | Promise<ActionPlan>;
  aftermath(current: CaseRecord, to: CaseStatus): Aftermath;
  /** The email telling the office of the stored action, if any; sent before the workflow is told. */
  mail?(next: CaseRecord, current: CaseRecord, data: Record<string, unknown>): ActionMail | undefined;
  /**
   * The action moves on a step the workflow waits for. If the workflow no longer runs (it stopped waiting,
   * failed, or was stopped), the action resumes it from the case's new status in the same transaction.
   */
  carriesOnWorkflow?: boolean;
}

/** An unversioned request is retried this often when the workflow changes the case at the same moment. */
const UNVERSIONED_ATTEMPTS = 3;

const AFTER_APPEAL_ROUND = /--after-appeal--(\d+)$/;

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
 * The officer's and enforcer's actions on a case (`POST /cases/{id}/…`): load the case, check the
 * version the person saw, ask the lifecycle whether their role may do this now, store the action and
 * the next case state as one version-guarded transaction, then tell the workflow.
 */
export function makeCaseActions(deps: AppDeps) {
  const { store, engine, clock, policy } = deps;
  const logger = deps.logger ?? silentLogger;

  async function load(viewer: Viewer, caseId: string): Promise<CaseRecord> {
    const record = await callDependency('database', () => store.getCase(caseId));
    // A reporter learns nothing about cases that are not theirs, not even that they exist.
    if (!record || !maySee(viewer, record)) throw new CaseNotFoundError(caseId);
    return record;
  }

  async function flag(caseId: string, reason: string): Promise<void> {
    try {
      await store.flagForAttention(caseId, reason, clock.now().toISOString());
    } catch (error) {
      logger.error('could not flag case for attention', { caseId, reason, error: String(error) });
    }
  }

  async function unflag(caseId: string): Promise<void> {
    try {
      await store.clearAttention(caseId);
    } catch (error) {
      // The attention list reads each case's own flag, so a leftover entry lists nothing.
      logger.warn('could not clear the attention entry', { caseId, error: String(error) });
    }
  }

  /** The resume an action folds in when the workflow that waited for it no longer runs. */
  async function restartFor(current: CaseRecord, to: CaseStatus, spec: ActionSpec): Promise<ResumePlan | undefined> {
    if (!spec.carriesOnWorkflow || current.pendingCallback || !WORKFLOW_STATUSES.includes(to)) return undefined;
    try {
      if ((await carryingExecutionStatus(engine, current)) === 'RUNNING') return undefined;
    } catch (error) {
      // The action does not wait for the engine: if the workflow did stop, the periodic check resumes it.
      logger.warn('could not tell whether the workflow runs; recording the action without resuming it', {
        caseId: current.id,
        error: String(error),
      });
      return undefined;
    }
    return resumePlan(current, clock.now(), { reason: `${spec.action} recorded after the workflow stopped` });
  }

  /** The outbox sends each email once, so a repeated request re-asks safely; a failure only flags the case. */
  async function mail(next: CaseRecord, seq: number, request: ActionMail): Promise<void> {
    // The office follows a case from its notice on; of a case without one it was told nothing.
    if (!deps.mailer || !next.notice) return;
    try {
      await deps.mailer.deliver({
        kind: request.kind,
        occasion: `${request.kind}-${seq}`,
        caseRecord: next,
        facts: request.facts,
      });
    } catch (error) {
      logger.error('could not queue the email', { caseId: next.id, kind: request.kind, error: String(error) });
      await flag(next.id, `the ${request.kind} email for event ${seq} could not be queued`);
    }
  }

  async function carryOut(next: CaseRecord, seq: number, before: CaseRecord, aftermath: Aftermath): Promise<void> {
    switch (aftermath.kind) {
      case 'none':
        return;
      case 'answer-callback': {
        const callback = before.pendingCallback;
        if (!callback) return;
        try {
          const delivery = await callEngine('answer the waiting step', () =>
            engine.sendTaskSuccess(callback.token, { outcome: aftermath.outcome, eventSeq: seq }),
          );
          // A stale answer is normal: the step timed out and the workflow re-reads the case.
          logger.info('answered waiting step', {
            caseId: next.id,
            kind: callback.kind,
            outcome: aftermath.outcome,
            delivery,
          });
        } catch (error) {
          // The action is stored; the workflow re-reads the case when its step times out.
          logger.error('could not answer the waiting step', {
            caseId: next.id,
            kind: callback.kind,
            error: String(error),
          });
          await flag(
            next.id,
            `the workflow was not told of event ${seq}; it continues when its ${callback.kind} step times out`,
          );
        }
        return;
      }
      case 'stop-execution': {
        const execution = before.execution;
        if (!execution) return;
        try {
          await callEngine('stop the execution', () => engine.stopExecution(execution, aftermath.cause));
        } catch (error) {
          // Every workflow task checks the case first and halts on a terminal or held case.
          logger.error('could not stop the execution', { caseId: next.id, execution, error: String(error) });
          await flag(next.id, `execution ${execution} could not be stopped after event ${seq}`);
        }
        if (aftermath.thenMail) await mail(next, seq, aftermath.thenMail);
        return;
      }
      case 'start-resume': {
        try {
          await callEngine('resume the workflow', () => engine.startExecution(aftermath.plan.execution));
          logger.info('resumed the workflow', { caseId: next.id, execution: aftermath.plan.name });
        } catch (error) {
          // Recorded on the case; the periodic workflow check starts it when the engine answers again.
          logger.error('could not start the resumed workflow', {
            caseId: next.id,
            execution: aftermath.plan.name,
            error: String(error),
          });
        }
        if (before.attention) await unflag(next.id);
        return;
      }
      case 'start-after-appeal': {
        try {
          await callEngine('start the after-appeal phase', () => resumeAfterAppeal(engine, next.id, aftermath.round));
        } catch (error) {
          await flag(next.id, `the after-appeal workflow (round ${aftermath.round}) did not start after event ${seq}`);
          if (error instanceof DependencyUnavailableError) {
            throw new DependencyUnavailableError(
              'workflow-engine',
              `the appeal resolution is recorded (event ${seq}, version ${next.version}) but the enforcement workflow could not be started; the case is flagged for attention`,
              error.retryAfterSeconds,
              { cause: error },
            );
          }
          throw error;
        }
        return;
      }
    }
  }

  async function act(
    viewer: Viewer,
    caseId: string,
    expectedVersion: number | undefined,
    spec: ActionSpec,
  ): Promise<CaseRecord> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await load(viewer, caseId);
      if (expectedVersion !== undefined && expectedVersion !== current.version)
        throw new StaleVersionError(caseId, expectedVersion, current.version);
      const decision = decide(current.status, spec.action, viewer.role, spec.outcome);
      if (!decision.allowed) {
        if (decision.kind === 'role') throw new RoleRefusedError(decision.reason);
        throw new TransitionRefusedError(decision.reason, current.version);
      }
      const now = clock.now();
      const plan = await spec.plan(current, now, decision.to);
      const restart = await restartFor(current, decision.to, spec);
      const data = restart ? { ...plan.data, resumedWorkflow: restart.name } : plan.data;
      const patch = restart ? { ...plan.patch, ...restart.patch } : plan.patch;
      const { next, event } = applyEvent(
        current,
        { type: decision.event as EventType, actor: { sub: viewer.sub, role: viewer.role }, at: now, data },
        decision.to,
        patch,
      );
      try {
        await callDependency('database', () => store.commit(current, next, event));
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        if (expectedVersion !== undefined) throw new StaleVersionError(caseId, expectedVersion, undefined);
        if (attempt >= UNVERSIONED_ATTEMPTS) throw new StaleVersionError(caseId, current.version, undefined);
        continue;
      }
      const actionMail = spec.mail?.(next, current, plan.data);
      if (actionMail) await mail(next, event.seq, actionMail);
      await carryOut(
        next,
        event.seq,
        current,
        restart ? { kind: 'start-resume', plan: restart } : spec.aftermath(current, decision.to),
      );
      return next;
    }
  }

  /**
   * An upheld resolution resumes enforcement in a new after-appeal phase. Repeating it once recorded
   * (after a 503 because the phase could not start) writes nothing and makes sure the phase runs: the
   * case can only be ENFORCEMENT_DECIDED under an after-appeal execution if that resolution was recorded.
   */
  async function resolveAppeal(
    viewer: Viewer,
    caseId: string,
    input: Extract<AppealAction, { action: 'resolved' }>,
  ): Promise<CaseRecord> {
    if (input.outcome === 'upheld') {
      const current = await load(viewer, caseId);
      const recorded = AFTER_APPEAL_ROUND.exec(current.execution ?? '');
      if (
        current.status === 'ENFORCEMENT_DECIDED' &&
        recorded &&
        decide('ON_HOLD', 'resolve-appeal', viewer.role, 'upheld').allowed
      ) {
        await carryOut(current, current.lastSeq, current, { kind: 'start-after-appeal', round: Number(recorded[1]) });
        return current;
      }
    }
    let round = 1;
    return act(viewer, caseId, input.expectedVersion, {
      action: 'resolve-appeal',
      outcome: input.outcome,
      plan: (current, now, to) => {
        notAfterToday('resolvedOn', input.resolvedOn, now);
        const data = {
          outcome: input.outcome,
          resolvedOn: input.resolvedOn,
          reference: input.reference,
          summary: input.summary,
        };
        if (to !== 'ENFORCEMENT_DECIDED') return { data, patch: endWaiting(current, to) };
        const previousRound = AFTER_APPEAL_ROUND.exec(current.execution ?? '');
        round = previousRound ? Number(previousRound[1]) + 1 : 1;
        const execution = executionName({ caseId: current.id, phase: 'after-appeal', round });
        // The windows recorded at the decision still run: the case is due when the last one ends.
        const windows = recordedEnforcementWindows(current);
        return {
          data: { ...data, execution },
          patch: { ...endWaiting(current, to), execution, ...(windows ? { dueAt: windows.at } : {}) },
        };
      },
      aftermath: (_current, to) =>
        to === 'ENFORCEMENT_DECIDED' ? { kind: 'start-after-appeal', round } : { kind: 'none' },
      mail: () => ({
        kind: 'appeal-resolved',
        facts: {
          appealOutcome: input.outcome,
          appealResolvedOn: input.resolvedOn,
          appealReference: input.reference,
          appealSummary: input.summary,
        },
      }),
    });
  }

  return {
    /** 复查: the result of an inspection, by an officer (or, during persuasion, the community). */
    recordInspection(viewer: Viewer, caseId: string, input: InspectionAction): Promise<CaseRecord> {
      return act(viewer, caseId, input.expectedVersion, {
        action: 'record-inspection',
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
        aftermath: (current) =>
          current.pendingCallback?.kind === 'inspection' || current.pendingCallback?.kind === 'persuasion-result'
            ? { kind: 'answer-callback', outcome: input.result }
            : { kind: 'none' },
      });
    },

    /** 延期: moves the notice deadline to the end of a later day, within the policy's limits. */
    grantExtension(viewer: Viewer, caseId: string, input: ExtensionAction): Promise<CaseRecord> {
      return act(viewer, caseId, input.expectedVersion, {
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
          if (!deps.calendar.isWorkingDay(input.newDeadline)) {
            throw new ActionInputError(
              'newDeadline',
              `must be a working day (notice deadlines fall on working days); ${input.newDeadline} is a rest day, the next working day is ${deps.calendar.addWorkingDays(input.newDeadline, 1).date}`,
            );
          }
          const deadline: Deadline = {
            date: input.newDeadline,
            at: endOfShanghaiDay(input.newDeadline).toISOString(),
            provisional: !deps.calendar.hasPublishedYear(yearOf(input.newDeadline)),
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
        aftermath: (current) =>
          current.pendingCallback?.kind === 'inspection'
            ? { kind: 'answer-callback', outcome: 'extended' }
            : { kind: 'none' },
        mail: (next, current) => ({
          kind: 'deadline-extended',
          facts: {
            previousDeadlineAt: current.notice?.deadline.at,
            extraDays:
              current.notice && next.notice
                ? daysBetween(current.notice.deadline.date, next.notice.deadline.date)
                : undefined,
            extensionReason: input.reason,
            approver: input.approver,
          },
        }),
      });
    },

    /** 陈述申辩: the party's statement and the decision on it; accepting it ends the case. */
    recordRepresentation(viewer: Viewer, caseId: string, input: RepresentationAction): Promise<CaseRecord> {
      return act(viewer, caseId, input.expectedVersion, {
        action: 'record-representation',
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
        aftermath: (_current, to) =>
          to === 'DISMISSED'
            ? { kind: 'stop-execution', cause: 'representation accepted; case dismissed' }
            : { kind: 'none' },
        mail: (next) =>
          next.status === 'DISMISSED'
            ? {
                kind: 'case-dismissed',
                facts: { dismissalReason: 'representation-accepted', dismissalExplanation: input.response },
              }
            : undefined,
      });
    },

    /** 复议/诉讼: a filed appeal holds the case; its resolution resumes enforcement or ends the case. */
    recordAppeal(viewer: Viewer, caseId: string, input: AppealAction): Promise<CaseRecord> {
      if (input.action === 'filed') {
        return act(viewer, caseId, input.expectedVersion, {
          action: 'file-appeal',
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
        });
      }
      return resolveAppeal(viewer, caseId, input);
    },

    /** 强制拆除 done: recorded by the enforcement team. */
    recordEnforcement(viewer: Viewer, caseId: string, input: EnforcementAction): Promise<CaseRecord> {
      return act(viewer, caseId, input.expectedVersion, {
        action: 'complete-enforcement',
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
        aftermath: (current) =>
          current.pendingCallback?.kind === 'enforcement'
            ? { kind: 'answer-callback', outcome: 'completed' }
            : { kind: 'none' },
        mail: (_next, _current, data) => ({
          kind: 'enforcement-completed',
          facts: {
            completedAt: typeof data.completedAt === 'string' ? data.completedAt : undefined,
            teamLead: input.teamLead,
            areaRemovedM2: input.areaRemovedM2,
            enforcementNotes: input.notes,
          },
        }),
      });
    },

    /**
     * Starts a stopped or failed workflow again from the case's status, once the cause is fixed; a case
     * whose workflow is running needs no resume. The attention flag is cleared: the workflow carries it.
     */
    resume(viewer: Viewer, caseId: string, input: ResumeAction): Promise<CaseRecord> {
      let resumed: ResumePlan | undefined;
      return act(viewer, caseId, input.expectedVersion, {
        action: 'resume-workflow',
        plan: async (current, now) => {
          const status = await carryingExecutionStatus(engine, current);
          if (status === 'RUNNING') {
            throw new TransitionRefusedError(
              `the case's workflow is running (execution ${current.execution}); it needs no resume — act on its pending step instead`,
              current.version,
            );
          }
          resumed = resumePlan(current, now, { reason: input.reason, renew: { calendar: deps.calendar, policy } });
          return { data: { ...resumed.data, previousExecutionStatus: status ?? 'none' }, patch: resumed.patch };
        },
        aftermath: () => (resumed ? { kind: 'start-resume', plan: resumed } : { kind: 'none' }),
      });
    },

    /** 撤销: not a violation, a duplicate, withdrawn… from any open state. */
    dismiss(viewer: Viewer, caseId: string, input: DismissalAction): Promise<CaseRecord> {
      return act(viewer, caseId, input.expectedVersion, {
        action: 'dismiss',
        plan: async (current, _now, to) => {
          if (input.duplicateOf !== undefined) {
            if (input.duplicateOf === current.id) throw new ActionInputError('duplicateOf', 'must name another case');
            const original = await callDependency('database', () =>
              store.getCase(input.duplicateOf as string, { consistent: false }),
            );
            if (!original) throw new ActionInputError('duplicateOf', `case ${input.duplicateOf} does not exist`);
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
      });
    },
  };
}
export type CaseActions = ReturnType<typeof makeCaseActions>;
