import { applyEvent } from '#domain/case-history';
import { decide } from '#domain/lifecycle';
import type { ActorRef, CaseEvent, CaseRecord } from '#domain/schemas';
import type { CaseStatus } from '#domain/vocabulary';
import { WORKFLOW_STATUSES } from '#domain/vocabulary';
import type { CaseSummary } from '#store/case-summary';
import { VersionConflictError } from '#store/errors';
import { executionName } from '#workflow/engine';
import { startCaseWorkflow } from '#workflow/phases';
import type { AppDeps } from './context';
import { silentLogger } from './context';
import { resumePlan } from './workflow-resume';

/**
 * The invariant, checked continuously: every open case is either waited on by a running workflow
 * execution or has a person's step visibly pending (flagged for attention, in the overdue lists). A case
 * that is neither — its submission never started its workflow, its execution failed without recording
 * it, was stopped, timed out, or lost its callback — is resumed from its status, or flagged for a person
 * when resuming does not hold.
 */

/** A submission has this long (legal time) to start its own workflow before the check does it. */
export const INTAKE_GRACE_MS = 2 * 60_000;
/**
 * A running deadline passed this long ago (legal time) with the case still in its status: the workflow
 * should have moved it, so the check looks at its execution. Longer than a task's retries take.
 */
export const STALL_GRACE_MS = 15 * 60_000;
/** Resumes by the check since a person last acted; after these the case is flagged instead. */
export const MAX_AUTOMATIC_RESUMES = 3;
const PAGE_SIZE = 100;

const CHECK_ACTOR: ActorRef = { sub: 'rectify-workflow-check', role: 'system' };

export interface WorkflowCheckReport {
  /** Cases looked at (REPORTED ones, and those whose deadline passed without the case moving). */
  examined: number;
  /** Cases whose intake workflow the check started (their submission never did). */
  started: string[];
  /** Cases whose stopped workflow the check resumed from their status. */
  resumed: string[];
  /** Cases left alone because they are already flagged for a person. */
  flagged: number;
  /** Cases the check flagged because their workflow kept stopping after it resumed them. */
  gaveUp: string[];
  /** False when the time budget ran out first; the next run goes over the lists again. */
  complete: boolean;
}

export type WorkflowCheckDeps = Pick<
  AppDeps,
  'store' | 'engine' | 'clock' | 'calendar' | 'policy' | 'logger' | 'wallNow'
>;

/** Resumes by the check after the last event a person recorded. */
function automaticResumes(events: readonly CaseEvent[]): number {
  let count = 0;
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i] as CaseEvent;
    if (event.actor.role !== 'system') break;
    if (event.type === 'WORKFLOW_RESUMED' && event.actor.sub === CHECK_ACTOR.sub) count += 1;
  }
  return count;
}

/**
 * Whether a person acted on the case after it was flagged: their action answered what the flag asked
 * for, so a workflow that is not running then is stuck, not waiting for them (their action may have come
 * as the stopped execution was still ending, too late to resume it).
 */
function actedOnSince(events: readonly CaseEvent[], flaggedAt: string): boolean {
  return events.some((event) => event.actor.role !== 'system' && event.at >= flaggedAt);
}

export function makeWorkflowCheck(
  deps: WorkflowCheckDeps,
  options: { intakeGraceMs?: number; stallGraceMs?: number } = {},
) {
  const logger = deps.logger ?? silentLogger;
  const intakeGraceMs = options.intakeGraceMs ?? INTAKE_GRACE_MS;
  const stallGraceMs = options.stallGraceMs ?? STALL_GRACE_MS;
  const wallNow = deps.wallNow ?? Date.now;

  async function history(caseId: string): Promise<CaseEvent[]> {
    const events: CaseEvent[] = [];
    for await (const event of deps.store.allEvents(caseId)) events.push(event);
    return events;
  }

  /** Commits a system action on the case as it is now; false when the case moved meanwhile (nothing to do). */
  async function commitCheck(
    record: CaseRecord,
    action: 'resume-workflow' | 'record-task-failure',
    data: Record<string, unknown>,
    patch: Partial<CaseRecord>,
  ): Promise<boolean> {
    const decision = decide(record.status, action, 'system');
    if (!decision.allowed) return false;
    const { next, event } = applyEvent(
      record,
      { type: decision.event, actor: CHECK_ACTOR, at: deps.clock.now(), data },
      decision.to,
      patch,
    );
    try {
      await deps.store.commit(record, next, event);
      return true;
    } catch (error) {
      if (error instanceof VersionConflictError) return false;
      throw error;
    }
  }

  /** What to do about one case whose workflow should be carrying it. */
  async function examine(summary: CaseSummary, report: WorkflowCheckReport): Promise<void> {
    const now = deps.clock.now();
    if (summary.status === 'REPORTED') {
      if (Date.parse(summary.reportedAt) > now.getTime() - intakeGraceMs) return;
      const intake = { caseId: summary.id, phase: 'intake' as const, round: 1 };
      // Asked first: Step Functions answers a start of a running execution with the same input as a success.
      if (!(await deps.engine.executionExists(intake))) {
        const { name, started } = await startCaseWorkflow(deps.engine, summary.id);
        if (started) {
          report.started.push(summary.id);
          logger.warn('started the intake workflow of a case its submission left unstarted', {
            caseId: summary.id,
            execution: name,
            reportedAt: summary.reportedAt,
          });
        }
        return;
      }
    }
    const record = await deps.store.getCase(summary.id);
    if (!record || record.status !== summary.status) return;
    const events = await history(record.id);
    if (record.attention && !actedOnSince(events, record.attention.at)) {
      report.flagged += 1;
      return;
    }
    const carrying = record.execution ?? executionName({ caseId: record.id, phase: 'intake', round: 1 });
    const status = await deps.engine.executionStatus(carrying);
    if (status === 'RUNNING') return;
    if (automaticResumes(events) >= MAX_AUTOMATIC_RESUMES) {
      const reason = `the workflow stopped again after ${MAX_AUTOMATIC_RESUMES} automatic resumes (last execution ${carrying}: ${status ?? 'none'}); resume it once the cause is fixed`;
      if (
        await commitCheck(
          record,
          'record-task-failure',
          { error: 'Rectify.WorkflowStopped', cause: reason, execution: carrying },
          { attention: { reason, at: now.toISOString() } },
        )
      ) {
        await deps.store.flagForAttention(record.id, reason, now.toISOString());
        report.gaveUp.push(record.id);
        logger.error('flagged a case whose workflow keeps stopping', {
          caseId: record.id,
          execution: carrying,
          status,
        });
      }
      return;
    }
    const plan = resumePlan(record, now, {
      reason: `the workflow was not running (${carrying}: ${status ?? 'none'})`,
      renew: { calendar: deps.calendar, policy: deps.policy },
    });
    if (
      !(await commitCheck(
        record,
        'resume-workflow',
        { ...plan.data, previousExecutionStatus: status ?? 'none' },
        plan.patch,
      ))
    )
      return;
    await deps.engine.startExecution(plan.execution);
    report.resumed.push(record.id);
    logger.warn('resumed a case whose workflow had stopped', {
      caseId: record.id,
      previous: carrying,
      status,
      execution: plan.name,
    });
  }

  /** The cases of a status that the workflow should have moved by now. */
  async function* candidates(status: CaseStatus): AsyncGenerator<CaseSummary> {
    const now = deps.clock.now().getTime();
    if (status === 'REPORTED') {
      let cursor: string | undefined;
      do {
        const page = await deps.store.listByStatus(status, { limit: PAGE_SIZE, cursor });
        yield* page.items;
        cursor = page.cursor;
      } while (cursor);
      return;
    }
    const stalledSince = new Date(now - stallGraceMs).toISOString();
    for (const selection of [{ dueBefore: stalledSince }, { withoutDeadline: true }] as const) {
      let cursor: string | undefined;
      do {
        const page = await deps.store.listByStatus(status, { ...selection, limit: PAGE_SIZE, cursor });
        // A case with no running deadline (self-demolished, enforced) moves on at once: only one left
        // unchanged past the grace period is stalled.
        yield* page.items.filter((c) => c.dueAt !== undefined || c.updatedAt < stalledSince);
        cursor = page.cursor;
      } while (cursor);
    }
  }

  /** `budgetMs`: wall-clock time to stop taking further cases (a Lambda's remaining time, less a margin). */
  async function check(options: { budgetMs?: number } = {}): Promise<WorkflowCheckReport> {
    const report: WorkflowCheckReport = {
      examined: 0,
      started: [],
      resumed: [],
      flagged: 0,
      gaveUp: [],
      complete: true,
    };
    const stopAt = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : wallNow() + options.budgetMs;
    for (const status of WORKFLOW_STATUSES) {
      for await (const summary of candidates(status)) {
        if (wallNow() >= stopAt) {
          report.complete = false;
          return report;
        }
        report.examined += 1;
        // A flagged REPORTED case failed at its first step: it waits for a person's resume.
        if (summary.attention && summary.status === 'REPORTED') {
          report.flagged += 1;
          continue;
        }
        await examine(summary, report);
      }
    }
    return report;
  }

  return { check };
}
