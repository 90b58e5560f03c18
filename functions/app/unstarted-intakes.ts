import { startCaseWorkflow } from '../workflow/phases';
import { INTAKE } from './report-case';
import type { AppDeps } from './context';
import { silentLogger } from './context';

/**
 * A case is committed before its intake workflow is started. If the function dies between the two and
 * the reporter never replays the request, the case would sit in REPORTED with no workflow and no
 * deadline: this check finds such cases and starts their intake. A submission has this long to start
 * its own workflow before the check does it (doing it sooner would be harmless, as starts are by name).
 */
export const INTAKE_GRACE_MS = 2 * 60_000;
const PAGE_SIZE = 100;

export interface IntakeCheckReport {
  /** REPORTED cases looked at. */
  examined: number;
  /** Cases whose intake workflow this check started. */
  started: string[];
  /** REPORTED cases left alone because a failure already flagged them for a person. */
  flagged: number;
  /** False when the time budget ran out first; the next run goes over the list again. */
  complete: boolean;
}

/**
 * Lists REPORTED cases (one Query on the status index; a case leaves REPORTED at its workflow's first
 * step, so the list stays short) and starts the intake of each one reported before the grace period
 * that is not flagged. Starting is by the execution's deterministic name, so a case whose workflow is
 * already running is started once, not twice.
 */
export function makeUnstartedIntakeCheck(deps: Pick<AppDeps, 'store' | 'engine' | 'clock' | 'logger' | 'wallNow'>, options: { graceMs?: number } = {}) {
  const logger = deps.logger ?? silentLogger;
  const graceMs = options.graceMs ?? INTAKE_GRACE_MS;
  const wallNow = deps.wallNow ?? Date.now;

  /** `budgetMs`: wall-clock time to stop taking further cases (a Lambda's remaining time, less a margin). */
  async function startUnstarted(options: { budgetMs?: number } = {}): Promise<IntakeCheckReport> {
    const report: IntakeCheckReport = { examined: 0, started: [], flagged: 0, complete: true };
    const reportedBefore = deps.clock.now().getTime() - graceMs;
    const stopAt = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : wallNow() + options.budgetMs;
    let cursor: string | undefined;
    do {
      const page = await deps.store.listByStatus('REPORTED', { limit: PAGE_SIZE, cursor });
      for (const summary of page.items) {
        if (wallNow() >= stopAt) {
          report.complete = false;
          return report;
        }
        report.examined += 1;
        if (summary.attention) {
          report.flagged += 1;
          continue;
        }
        if (Date.parse(summary.reportedAt) > reportedBefore) continue;
        // Asked first: Step Functions answers a start of a running execution with the same input as a success.
        if (await deps.engine.executionExists({ caseId: summary.id, ...INTAKE })) continue;
        const { name, started } = await startCaseWorkflow(deps.engine, summary.id);
        if (started) {
          report.started.push(summary.id);
          logger.warn('started the intake workflow of a case its submission left unstarted', { caseId: summary.id, execution: name, reportedAt: summary.reportedAt });
        }
      }
      cursor = page.cursor;
    } while (cursor);
    return report;
  }

  return { startUnstarted };
}
export type UnstartedIntakeCheck = ReturnType<typeof makeUnstartedIntakeCheck>;
