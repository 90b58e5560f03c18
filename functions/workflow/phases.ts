import type { WorkflowEngine } from './engine';

/**
 * How the API starts the workflow's phases. Each start is by deterministic name, so calling these again
 * (a replayed request, a retry after a timeout) starts nothing new.
 */

/** A new case: persuasion or the notice, the deadline, the inspection and what follows. */
export function startCaseWorkflow(engine: WorkflowEngine, caseId: string): Promise<{ name: string; started: boolean }> {
  return engine.startExecution({ caseId, phase: 'intake', round: 1 });
}

/**
 * An appeal was resolved upheld (ON_HOLD → ENFORCEMENT_DECIDED): re-check the windows, schedule the
 * demolition, wait for the enforcer. `round` counts the upheld resolutions of the case (1, 2, …).
 */
export function resumeAfterAppeal(
  engine: WorkflowEngine,
  caseId: string,
  round: number,
): Promise<{ name: string; started: boolean }> {
  return engine.startExecution({ caseId, phase: 'after-appeal', round });
}
