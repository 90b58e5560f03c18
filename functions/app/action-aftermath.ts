import type { Clock } from '#domain/clock';
import { isTerminal } from '#domain/lifecycle';
import type { CaseRecord } from '#domain/schemas';
import type { Mailer } from '#mail/mailer';
import type { CaseStore } from '#store/case-store';
import type { PhaseInput, WorkflowEngine } from '#workflow/engine';
import { executionName } from '#workflow/engine';
import { resumeAfterAppeal } from '#workflow/phases';
import type { ActionMail, Aftermath } from './action-specs';
import type { CaseFiles } from './closed-case-files';
import { archiveClosedCaseFiles } from './closed-case-files';
import type { AppLogger } from './context';
import { callEngine } from './dependency-errors';
import { DependencyUnavailableError } from './errors';

export interface AftermathDeps {
  store: Pick<CaseStore, 'flagForAttention' | 'clearAttention'>;
  engine: WorkflowEngine;
  clock: Clock;
  logger: AppLogger;
  mailer?: Mailer;
  /** Tags the files of a case the action closed; functions whose actions close no case have none. */
  caseFiles?: CaseFiles;
}

/**
 * What follows a stored action: the email it sends and what the workflow is told. The action is stored
 * first, so a failure here only flags the case for attention (the workflow re-reads the case when its
 * step times out, and the periodic check resumes a stopped one) — except an after-appeal phase that
 * cannot start, which answers 503 so the person retries.
 */
export function makeActionAftermath(deps: AftermathDeps) {
  const { store, engine, clock, logger } = deps;

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

  async function answerCallback(next: CaseRecord, seq: number, before: CaseRecord, outcome: string): Promise<void> {
    const callback = before.pendingCallback;
    if (!callback) return;
    try {
      const delivery = await callEngine('answer the waiting step', () =>
        engine.sendTaskSuccess(callback.token, { outcome, eventSeq: seq }),
      );
      // A stale answer is normal: the step timed out and the workflow re-reads the case.
      logger.info('answered waiting step', { caseId: next.id, kind: callback.kind, outcome, delivery });
    } catch (error) {
      // The action is stored; the workflow re-reads the case when its step times out.
      logger.error('could not answer the waiting step', { caseId: next.id, kind: callback.kind, error: String(error) });
      await flag(
        next.id,
        `the workflow was not told of event ${seq}; it continues when its ${callback.kind} step times out`,
      );
    }
  }

  async function stopExecution(next: CaseRecord, seq: number, before: CaseRecord, cause: string): Promise<void> {
    const execution = before.execution;
    if (!execution) return;
    try {
      await callEngine('stop the execution', () => engine.stopExecution(execution, cause));
    } catch (error) {
      // Every workflow task checks the case first and halts on a terminal or held case.
      logger.error('could not stop the execution', { caseId: next.id, execution, error: String(error) });
      await flag(next.id, `execution ${execution} could not be stopped after event ${seq}`);
    }
  }

  async function startAfterAppeal(next: CaseRecord, seq: number, round: number): Promise<void> {
    try {
      await callEngine('start the after-appeal phase', () => resumeAfterAppeal(engine, next.id, round));
    } catch (error) {
      await flag(next.id, `the after-appeal workflow (round ${round}) did not start after event ${seq}`);
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
  }

  /** A case this action closed: its files are tagged for the cheaper storage class. */
  async function archive(next: CaseRecord, before: CaseRecord): Promise<void> {
    if (deps.caseFiles && isTerminal(next.status) && !isTerminal(before.status))
      await archiveClosedCaseFiles(deps.caseFiles, next.id, logger);
  }

  async function carryOut(next: CaseRecord, seq: number, before: CaseRecord, aftermath: Aftermath): Promise<void> {
    await tellWorkflow(next, seq, before, aftermath);
    // The action answered what the flag asked for (or the resumed workflow carries the case now).
    if (before.attention && !next.attention) await unflag(next.id);
    await archive(next, before);
  }

  async function startResume(next: CaseRecord, execution: PhaseInput): Promise<void> {
    const name = executionName(execution);
    try {
      await callEngine('resume the workflow', () => engine.startExecution(execution));
      logger.info('resumed the workflow', { caseId: next.id, execution: name });
    } catch (error) {
      // Recorded on the case; the periodic workflow check starts it when the engine answers again.
      logger.error('could not start the resumed workflow', {
        caseId: next.id,
        execution: name,
        error: String(error),
      });
    }
  }

  async function tellWorkflow(next: CaseRecord, seq: number, before: CaseRecord, aftermath: Aftermath): Promise<void> {
    switch (aftermath.kind) {
      case 'none':
        return;
      case 'answer-callback':
        return answerCallback(next, seq, before, aftermath.outcome);
      case 'stop-execution':
        await stopExecution(next, seq, before, aftermath.cause);
        if (aftermath.thenMail) await mail(next, seq, aftermath.thenMail);
        return;
      case 'start-resume':
        return startResume(next, aftermath.execution);
      case 'hand-over':
        // The execution that waited stops first, so only the fresh one carries the case.
        await stopExecution(next, seq, before, aftermath.cause);
        return startResume(next, aftermath.execution);
      case 'start-after-appeal':
        return startAfterAppeal(next, seq, aftermath.round);
    }
  }

  return { mail, carryOut };
}
