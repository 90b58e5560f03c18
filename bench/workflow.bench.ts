import { makeMailFailureLog } from '../functions/app/mail-failures';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { chinaCalendar } from '../functions/domain/china-calendar';
import { DEFAULT_POLICY } from '../functions/domain/policy';
import { startLocalSes } from '../functions/local/ses-local';
import { SesMailer } from '../functions/mail/ses-mailer';
import { documentClient, dynamoDbClient, sesClient } from '../functions/shared/aws-clients';
import { CaseStore } from '../functions/store/case-store';
import { executionName } from '../functions/workflow/engine';
import { LocalWorkflowEngine } from '../functions/workflow/local-engine';
import { startCaseWorkflow } from '../functions/workflow/phases';
import type { Harness } from '../test/workflow/harness';
import {
  LEGAL_START,
  RecordingMailer,
  completeEnforcement,
  recordInspection,
  reportCase,
  testClock,
  waitForCallback,
} from '../test/workflow/harness';
import type { Benchmark } from './harness';
import { round } from './harness';
import { DEFAULT_MEMORY_MB } from '../infra/constructs/handler-function';

/** Published prices (us-east-1): Step Functions Standard, Lambda on arm64, DynamoDB on-demand, SES, API Gateway REST. */
const PRICE = {
  perStateTransition: 0.025 / 1000,
  perLambdaRequest: 0.2 / 1_000_000,
  perArmGbSecond: 0.0000133334,
  perWriteRequestUnit: 1.25 / 1_000_000,
  perReadRequestUnit: 0.25 / 1_000_000,
  perEmail: 0.1 / 1000,
  perApiRequest: 3.5 / 1_000_000,
};
/** The task functions' memory as the stack deploys them (infra/constructs/handler-function.ts). */
const LAMBDA_MEMORY_GB = DEFAULT_MEMORY_MB.task / 1024;
/**
 * The requests people make through the API for the enforced case: the report, the inspection, the
 * demolition recorded. Their functions' compute is counted at the API functions' memory and this
 * duration each (a warm action: a read, a transaction, a Step Functions call).
 */
const API_REQUESTS_PER_ENFORCED_CASE = 3;
const API_REQUEST_BILLED_MS = 100;
const API_MEMORY_GB = DEFAULT_MEMORY_MB.api / 1024;
/** Legal days per wall-clock second: the default policy's half-year windows pass in seconds. */
const FACTOR = 2_000_000;

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

/** Asks DynamoDB for the capacity every request consumed and adds it up (what on-demand bills). */
function meterCapacity(client: DynamoDBClient) {
  const units = { read: 0, write: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (
        result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
      ).ConsumedCapacity;
      const total = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum, c) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      if (WRITE_COMMANDS.has(context.commandName ?? '')) units.write += total;
      else units.read += total;
      return result;
    },
    { step: 'initialize', name: 'meterConsumedCapacity' },
  );
  return {
    take() {
      const taken = { ...units };
      units.read = 0;
      units.write = 0;
      return taken;
    },
  };
}

/**
 * One case through the real ASL on the local engine, default policy, task functions and the outbox
 * mailer on a metered DynamoDB client: state transitions from the engine's event log, Lambda requests
 * and durations from the in-process invocations, DynamoDB units from ReturnConsumedCapacity.
 */
export const workflowBenchmark: Benchmark = {
  name: 'transitions.self_demolition transitions.full_enforcement cost.usd_per_case_enforcement',
  async run(context) {
    const { tableName, doc } = await context.freshTable('workflow');
    const ses = await startLocalSes({ port: 0 });
    process.env.AWS_ENDPOINT_URL_SESV2 = ses.endpoint;
    const meteredClient = dynamoDbClient();
    const meter = meterCapacity(meteredClient);
    const meteredDoc = documentClient(meteredClient);
    const clock = testClock(LEGAL_START, FACTOR);
    const ses_ = sesClient();
    let emailsSent = 0;
    ses_.middlewareStack.add(
      (next, mw) => async (args) => {
        if (mw.commandName === 'SendEmailCommand') emailsSent += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countEmails' },
    );
    const takeEmails = () => {
      const count = emailsSent;
      emailsSent = 0;
      return count;
    };
    const mailer = new SesMailer({
      doc: meteredDoc,
      tableName,
      ses: ses_,
      recipients: {
        from: 'rectify@example.gov.cn',
        subdistricts: { 小龙坎街道: ['xlk-jdb@example.gov.cn'] },
        fallback: ['rectify-office@example.gov.cn'],
      },
      consoleUrl: 'http://localhost:3000/console',
      failures: makeMailFailureLog({ store: new CaseStore(meteredDoc, tableName), clock }),
    });
    const engineOptions = {
      taskDeps: {
        store: new CaseStore(meteredDoc, tableName),
        mailer,
        clock,
        calendar: chinaCalendar(),
        policy: DEFAULT_POLICY,
      },
      doc,
      tableName,
    };
    const harness: Harness = {
      store: new CaseStore(doc, tableName),
      mailer: new RecordingMailer(),
      clock,
      policy: DEFAULT_POLICY,
      engine: new LocalWorkflowEngine(engineOptions),
      engineOptions,
      restartEngine: () => Promise.reject(new Error('not used')),
      close: () => harness.engine.close(),
    };

    const measure = (caseId: string, apiRequests: number) => {
      const executions = (name: string) => name.startsWith(`${caseId}--`);
      const entries = harness.engine.events.filter((e) => executions(e.execution) && e.type === 'StateEntered').length;
      const retries = harness.engine.events.filter((e) => executions(e.execution) && e.type === 'StateRetried').length;
      const invocations = harness.engine.invocations.filter((i) => executions(i.execution));
      const billedMs = invocations.reduce((sum, i) => sum + Math.ceil(i.durationMs), 0);
      const units = meter.take();
      const emails = takeEmails();
      const transitions = entries + retries;
      const cost = {
        emails: emails * PRICE.perEmail,
        api:
          apiRequests *
          (PRICE.perApiRequest +
            PRICE.perLambdaRequest +
            (API_REQUEST_BILLED_MS / 1000) * API_MEMORY_GB * PRICE.perArmGbSecond),
        transitions: transitions * PRICE.perStateTransition,
        requests: invocations.length * PRICE.perLambdaRequest,
        compute: (billedMs / 1000) * LAMBDA_MEMORY_GB * PRICE.perArmGbSecond,
        writes: units.write * PRICE.perWriteRequestUnit,
        reads: units.read * PRICE.perReadRequestUnit,
      };
      const total = Object.values(cost).reduce((a, b) => a + b, 0);
      return {
        entries,
        transitions,
        invocations: invocations.length,
        billedMs,
        units,
        emails,
        apiRequests,
        cost,
        total,
      };
    };
    const describe = (label: string, m: ReturnType<typeof measure>) => {
      context.log(
        `${label}: ${m.entries} states entered (+${m.transitions - m.entries} retries) across the case's executions`,
      );
      context.log(
        `${label}: $${m.total.toFixed(6)} = ${m.transitions} transitions × $0.025/1k ($${m.cost.transitions.toFixed(6)})` +
          ` + ${m.invocations} Lambda requests × $0.20/M ($${m.cost.requests.toFixed(7)})` +
          ` + ${m.billedMs} ms × ${LAMBDA_MEMORY_GB * 1024} MB arm64 at $0.0000133334/GB-s ($${m.cost.compute.toFixed(7)})` +
          ` + ${m.units.write} WRU × $1.25/M ($${m.cost.writes.toFixed(7)}) + ${m.units.read} RRU × $0.25/M ($${m.cost.reads.toFixed(7)})` +
          ` + ${m.emails} emails × $0.10/1k ($${m.cost.emails.toFixed(7)})` +
          ` + ${m.apiRequests} API requests × ($3.50/M + a Lambda request + ${API_REQUEST_BILLED_MS} ms × ${API_MEMORY_GB * 1024} MB) ($${m.cost.api.toFixed(7)})`,
      );
    };

    try {
      // Warm the JVM and the code paths so durations are not all first-call costs.
      clock.restartAt(LEGAL_START);
      const warm = await reportCase(harness, { category: 'other' });
      takeEmails();
      await startCaseWorkflow(harness.engine, warm.id);
      await waitForCallback(harness, warm.id, 'inspection');
      await recordInspection(harness, warm.id, 'demolished');
      await harness.engine.waitForExecution(executionName({ caseId: warm.id, phase: 'intake', round: 1 }));
      meter.take();
      takeEmails();

      clock.restartAt(LEGAL_START);
      const selfDemolished = await reportCase(harness, { category: 'other' });
      meter.take();
      takeEmails();
      await startCaseWorkflow(harness.engine, selfDemolished.id);
      await waitForCallback(harness, selfDemolished.id, 'inspection');
      await recordInspection(harness, selfDemolished.id, 'demolished');
      const selfOutcome = await harness.engine.waitForExecution(
        executionName({ caseId: selfDemolished.id, phase: 'intake', round: 1 }),
      );
      if (selfOutcome.status !== 'SUCCEEDED') throw new Error(`self-demolition run ended ${selfOutcome.status}`);
      const self = measure(selfDemolished.id, 2);
      describe('notice → self-demolition → closed', self);

      clock.restartAt(LEGAL_START);
      const enforced = await reportCase(harness, { category: 'other' });
      meter.take();
      takeEmails();
      await startCaseWorkflow(harness.engine, enforced.id);
      await waitForCallback(harness, enforced.id, 'inspection');
      await recordInspection(harness, enforced.id, 'not-demolished');
      await waitForCallback(harness, enforced.id, 'enforcement');
      await completeEnforcement(harness, enforced.id);
      const enforcedOutcome = await harness.engine.waitForExecution(
        executionName({ caseId: enforced.id, phase: 'enforcement', round: 1 }),
      );
      if (enforcedOutcome.status !== 'SUCCEEDED') throw new Error(`enforcement run ended ${enforcedOutcome.status}`);
      const full = measure(enforced.id, API_REQUESTS_PER_ENFORCED_CASE);
      describe('notice → not demolished → demand → decision → windows → forced demolition → closed', full);

      return {
        'transitions.self_demolition': { value: self.entries, unit: 'transitions' },
        'transitions.full_enforcement': { value: full.entries, unit: 'transitions' },
        'cost.usd_per_case_enforcement': { value: round(full.total, 6), unit: 'USD' },
      };
    } finally {
      await harness.engine.close();
      await ses.stop();
      meteredClient.destroy();
    }
  },
};
