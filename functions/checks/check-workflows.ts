import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import type { WorkflowCheckReport } from '../app/workflow-check';
import { makeWorkflowCheck } from '../app/workflow-check';
import { systemClock } from '../domain/clock';
import { documentClient } from '../shared/aws-clients';
import { deadlinesFromEnv } from '../shared/deadlines';
import { envPieces, parseEnv } from '../shared/env';
import type { InvocationContext } from '../shared/time-budget';
import { sweepBudget } from '../shared/time-budget';
import { CaseStore } from '../store/case-store';
import { workflowEngineFromEnv } from '../workflow/aws-engine';

const env = parseEnv(envPieces.table);
const logger = new Logger({ serviceName: 'rectify-workflow-check' });
const check = makeWorkflowCheck({
  store: new CaseStore(documentClient(), env.TABLE_NAME),
  engine: workflowEngineFromEnv(),
  clock: systemClock,
  ...deadlinesFromEnv(),
  logger,
});

/** Time kept back from the Lambda's remaining time, so the check ends before the function is stopped. */
const SAFETY_MARGIN_MS = 10_000;

/** What the scheduler passes carries nothing the check needs, so any event (an EventBridge one) is accepted. */
const scheduleEventSchema = z.unknown();

/**
 * Runs on a schedule: every open case is waited on by a running execution or flagged for a person. A
 * case a submission stored but never started gets its intake; a case whose workflow stopped without
 * telling anyone is resumed from its status, or flagged when it keeps stopping.
 */
export async function handler(event: unknown, context?: InvocationContext): Promise<WorkflowCheckReport> {
  scheduleEventSchema.parse(event);
  const report = await check.check(sweepBudget(context, SAFETY_MARGIN_MS));
  logger.info('workflow check finished', {
    examined: report.examined,
    started: report.started.length,
    resumed: report.resumed.length,
    flagged: report.flagged,
    gaveUp: report.gaveUp.length,
    complete: report.complete,
  });
  return report;
}
