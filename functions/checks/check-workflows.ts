import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import type { WorkflowCheckReport } from '#app/workflow-check';
import { makeWorkflowCheck } from '#app/workflow-check';
import { systemClock } from '#domain/clock';
import { documentClient } from '#shared/aws-clients';
import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { envPieces, parseEnv } from '#shared/env';
import { injectLambdaContext } from '#shared/lambda-context';
import { METRICS, writeMetrics } from '#shared/metrics';
import type { InvocationContext } from '#shared/time-budget';
import { sweepBudget } from '#shared/time-budget';
import { CaseStore } from '#store/case-store';
import { workflowEngineFromEnv } from '#workflow/aws-engine';

const env = parseEnv(envPieces.table);
const logger = new Logger({ serviceName: 'rectify-workflow-check' });
const store = new CaseStore(documentClient(), env.TABLE_NAME);
const check = makeWorkflowCheck({
  store,
  engine: workflowEngineFromEnv(),
  clock: systemClock,
  ...deadlineRulesFromEnv(),
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
  injectLambdaContext(logger, context);
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
  // Every run, the gauges the operations alarms read: cases left for a person, workflows that had stalled.
  writeMetrics({
    [METRICS.casesNeedingAttention]: await countFlagged(),
    [METRICS.stalledWorkflowsFound]: report.started.length + report.resumed.length + report.gaveUp.length,
  });
  return report;
}

/** Cases flagged for attention, counted up to a bound (the alarm needs "any", the dashboard "about how many"). */
async function countFlagged(bound = 1_000): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listFlagged({ limit: 200, cursor });
    count += page.items.length;
    cursor = page.cursor;
  } while (cursor && count < bound);
  return count;
}
