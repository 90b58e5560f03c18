import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SendRawEmailCommandInput } from '@aws-sdk/client-ses';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AppLogger } from '#app/context';
import { makeMailFailureLog } from '#app/mail-failures';
import { bindRoutes } from '#api/operations/index';
import { chinaCalendar } from '#domain/china-calendar';
import { DEFAULT_POLICY } from '#domain/policy';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { LocalRoute } from '#local/api-server';
import { startApiServer } from '#local/api-server';
import { localAuth } from '#local/local-auth';
import { startLocalSes } from '#local/ses-local';
import { startLocalS3 } from '#local/s3-local';
import { makeDocumentIssuer } from '#app/document-issuer';
import { parseIssuingOffices } from '#documents/issuing-offices';
import { S3ObjectStore, s3Client } from '#objects/s3-object-store';
import { TEST_OFFICES } from '#test/fixtures/documents';
import { SesMailer } from '#mail/ses-mailer';
import { documentClient, dynamoDbClient, sesClient } from '#shared/aws-clients';
import { CaseStore } from '#store/case-store';
import { keys } from '#store/table';
import type { TaskFunctionKey } from '#tasks/registry';
import { executionName } from '#workflow/engine';
import { LocalWorkflowEngine } from '#local/local-engine';
import type { EngineEvent } from '#local/local-engine-probes';
import { EngineEventLog, TaskFaults } from '#local/local-engine-probes';
import type { Client } from '#test/api/support/harness';
import { client } from '#test/api/support/harness';
import { seedSubmission } from '#test/fixtures/submissions';
import type { Harness } from '#test/workflow/harness';
import { LEGAL_START, RecordingMailer, testClock, waitForCallback } from '#test/workflow/harness';
import type { CaseUsage } from './cost-model';
import { STORAGE_YEARS, costOfCase } from './cost-model';
import type { DeployedStack } from './deployed-stack';
import { synthesizeDeployedStack } from './deployed-stack';
import type { Benchmark } from './harness';
import { round, unusedObjectStore, unusedDigests } from './harness';
import { storedBytes } from './item-size';
import { PRICES } from './prices';

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
  const byCommand = new Map<string, number>();
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
      byCommand.set(context.commandName ?? '?', (byCommand.get(context.commandName ?? '?') ?? 0) + total);
      if (WRITE_COMMANDS.has(context.commandName ?? '')) units.write += total;
      else units.read += total;
      return result;
    },
    { step: 'initialize', name: 'meterConsumedCapacity' },
  );
  return {
    take() {
      const taken = { ...units, byCommand: Object.fromEntries(byCommand) };
      units.read = 0;
      units.write = 0;
      byCommand.clear();
      return taken;
    },
  };
}

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/**
 * A logger that writes nothing and counts the bytes the functions' Powertools Logger would send to
 * CloudWatch Logs at the deployed level: each line is a JSON object with the Lambda context Powertools adds.
 */
function countingLogger(level: string) {
  const least = Math.max(0, LEVELS.indexOf(level.toUpperCase() as (typeof LEVELS)[number]));
  let bytes = 0;
  const write = (lineLevel: (typeof LEVELS)[number], message: unknown, extra: unknown[]) => {
    if (LEVELS.indexOf(lineLevel) < least) return;
    const attributes = extra.map((e) =>
      e instanceof Error ? { error: { name: e.name, message: e.message, stack: e.stack } } : e,
    );
    const line = JSON.stringify({
      level: lineLevel,
      ...(typeof message === 'string' ? { message } : (message as object)),
      timestamp: new Date().toISOString(),
      service: 'rectify',
      cold_start: false,
      function_arn:
        'arn:aws:lambda:ap-southeast-1:123456789012:function:Rectify-dev-ScheduleEnforcementFunctionF72213A2-AbCdEfGhIjKl',
      function_memory_size: '512',
      function_name: 'Rectify-dev-ScheduleEnforcementFunctionF72213A2-AbCdEfGhIjKl',
      function_request_id: randomUUID(),
      sampling_rate: 0,
      xray_trace_id: '1-6750a3c0-0123456789abcdef01234567',
      ...Object.assign({}, ...attributes),
    });
    bytes += Buffer.byteLength(line) + 1;
  };
  const logger: AppLogger = {
    info: (message, ...extra) => write('INFO', message, extra),
    warn: (message, ...extra) => write('WARN', message, extra),
    error: (message, ...extra) => write('ERROR', message, extra),
  };
  return {
    logger,
    take() {
      const taken = bytes;
      bytes = 0;
      return taken;
    },
  };
}

/** The START, END and REPORT lines Lambda writes for each invocation (with active tracing, REPORT names the trace). */
function platformLogBytes(durationMs: number, memoryMb: number): number {
  const id = randomUUID();
  return Buffer.byteLength(
    `START RequestId: ${id} Version: $LATEST\n` +
      `END RequestId: ${id}\n` +
      `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\t` +
      `Memory Size: ${memoryMb} MB\tMax Memory Used: 118 MB\t\nXRAY TraceId: 1-6750a3c0-0123456789abcdef01234567\t` +
      `SegmentId: 0123456789abcdef\tSampled: true\t\n`,
  );
}

/**
 * The history events Step Functions logs (level ALL, without execution data) for what the engine ran:
 * a Task state is entered, scheduled, started, succeeds and is exited; any other state is entered and
 * exited; a retry fails, is scheduled and started again. Each is a JSON record of this shape.
 */
function stateMachineLogBytes(events: readonly EngineEvent[], level: DeployedStack['stateMachineLogLevel']): number {
  if (level !== 'ALL') return 0;
  let bytes = 0;
  let id = 0;
  const record = (type: string, execution: string, state?: string) => {
    id += 1;
    bytes +=
      Buffer.byteLength(
        JSON.stringify({
          id: String(id),
          type,
          details: state ? { name: state, inputDetails: { truncated: false } } : { inputDetails: { truncated: false } },
          previous_event_id: String(id - 1),
          event_timestamp: String(Date.now()),
          execution_arn: `arn:aws:states:ap-southeast-1:123456789012:execution:rectify-dev-case-lifecycle:${execution}`,
          redrive_count: '0',
        }),
      ) + 1;
  };
  for (const event of events) {
    if (event.type === 'StateEntered' && event.stateType === 'Task')
      for (const type of ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'])
        record(type, event.execution, event.state);
    else if (event.type === 'StateEntered') {
      record(`${event.stateType ?? 'Pass'}StateEntered`, event.execution, event.state);
      record(`${event.stateType ?? 'Pass'}StateExited`, event.execution, event.state);
    } else if (event.type === 'StateRetried')
      for (const type of ['TaskFailed', 'TaskScheduled', 'TaskStarted']) record(type, event.execution, event.state);
    else record(event.type, event.execution);
  }
  return bytes;
}

/** The line the API stage's access log writes per request (its custom JSON format). */
function accessLogBytes(method: string, resourcePath: string): number {
  return (
    Buffer.byteLength(
      JSON.stringify({
        requestId: randomUUID(),
        ip: '203.0.113.7',
        caller: '-',
        user: '-',
        requestTime: '03/Dec/2026:02:00:00 +0000',
        httpMethod: method,
        resourcePath,
        status: '200',
        protocol: 'HTTP/1.1',
        responseLength: '1480',
      }),
    ) + 1
  );
}

/** What SES bills per email beyond the email itself: the attachments' bytes. */
function attachmentBytes(input: SendRawEmailCommandInput): number {
  const raw = Buffer.from(input.RawMessage?.Data ?? new Uint8Array()).toString('latin1');
  let bytes = 0;
  // Each attachment is a MIME part marked Content-Disposition: attachment, its body base64 after a blank line.
  for (const part of raw.split(/\r?\n--/)) {
    if (!/^Content-Disposition:\s*attachment/im.test(part)) continue;
    const body = part
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('');
    bytes += Buffer.from(body.replace(/\s+/g, ''), 'base64').byteLength;
  }
  return bytes;
}

interface ApiCall {
  functionId: string;
  method: string;
  path: string;
  billedMs: number;
}

/**
 * Cases through the real ASL on the local engine (default policy) and the real API handlers behind the
 * local server, as people use them: report, then for each step a person takes, read the case (its version
 * is the If-Match of the action) and act. Counted: state transitions from the engine's log; Lambda
 * invocations and their durations, in process, each at the memory the synthesized template gives its
 * function; DynamoDB units from ReturnConsumedCapacity on every request of the tasks, the mailer and the
 * API; emails as SES is asked to send them; API requests as made; the case's stored items as DynamoDB
 * sizes them, indexes included; log bytes at the deployed log levels.
 */
export const workflowBenchmark: Benchmark = {
  name: 'transitions.self_demolition transitions.full_enforcement cost.usd_per_case_enforcement',
  async run(context) {
    const deployed = synthesizeDeployedStack();
    const { tableName, doc } = await context.freshTable('workflow');
    const ses = await startLocalSes({ port: 0 });
    process.env.AWS_ENDPOINT_URL_SES = ses.endpoint;
    // The documents the workflow issues are stored and attached: a local S3 of the bench's own.
    const objectsDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-cost-objects-'));
    const s3 = await startLocalS3({ directory: objectsDir, buckets: ['rectify-bench-documents'] });
    process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    const s3Sdk = s3Client();
    const objects = new S3ObjectStore(s3Sdk, 'rectify-bench-documents');
    const meteredClient = dynamoDbClient();
    const meter = meterCapacity(meteredClient);
    const meteredDoc = documentClient(meteredClient);
    const clock = testClock(LEGAL_START, FACTOR);
    const sesSdk = sesClient();
    const sent = { emails: 0, attachmentBytes: 0 };
    sesSdk.middlewareStack.add(
      (next, mw) => async (args) => {
        if (mw.commandName === 'SendRawEmailCommand') {
          sent.emails += 1;
          sent.attachmentBytes += attachmentBytes(args.input as SendRawEmailCommandInput);
        }
        return next(args);
      },
      { step: 'initialize', name: 'countEmails' },
    );
    const takeEmails = () => {
      const taken = { ...sent };
      sent.emails = 0;
      sent.attachmentBytes = 0;
      return taken;
    };
    const logLevel = [...deployed.logLevelById.values()].sort(
      (a, b) => LEVELS.indexOf(a as (typeof LEVELS)[number]) - LEVELS.indexOf(b as (typeof LEVELS)[number]),
    )[0];
    const logs = countingLogger(logLevel ?? 'INFO');
    const store = new CaseStore(meteredDoc, tableName);
    const mailer = new SesMailer({
      doc: meteredDoc,
      tableName,
      ses: sesSdk,
      recipients: {
        from: 'rectify@example.gov.cn',
        subdistricts: { 小龙坎街道: ['xlk-jdb@example.gov.cn'] },
        fallback: ['rectify-office@example.gov.cn'],
      },
      consoleUrl: 'http://localhost:3000/console',
      failures: makeMailFailureLog({ store, clock }),
      logger: logs.logger,
      objects,
    });
    const calendar = chinaCalendar();
    const eventLog = new EngineEventLog();
    const faults = new TaskFaults();
    const engineOptions = {
      probes: [eventLog, faults],
      taskDeps: {
        store,
        mailer,
        clock,
        calendar,
        policy: DEFAULT_POLICY,
        logger: logs.logger,
        documents: makeDocumentIssuer({ objects, offices: parseIssuingOffices(TEST_OFFICES) }),
      },
      doc,
      tableName,
    };
    const engine = new LocalWorkflowEngine(engineOptions);
    const harness: Harness = {
      store: new CaseStore(doc, tableName),
      objects,
      mailer: new RecordingMailer(),
      clock,
      policy: DEFAULT_POLICY,
      engine,
      engineOptions,
      eventLog,
      faults,
      leaveUnserved: new Set(),
      restartEngine: () => Promise.reject(new Error('not used')),
      close: () => engine.close(),
    };

    const apiCalls: ApiCall[] = [];
    const routes: LocalRoute[] = bindRoutes({
      objects: unusedObjectStore(),
      digests: unusedDigests(),
      store,
      engine,
      clock,
      calendar,
      policy: DEFAULT_POLICY,
      logger: logs.logger,
      mailer,
      health: { database: async () => undefined },
    }).map(({ route, handler }) => {
      const method = route.method.toUpperCase();
      const key = `${method} ${route.path}`;
      const functionId = deployed.routeFunctionIds.get(key);
      if (!functionId) throw new Error(`no deployed function serves ${key}`);
      return {
        route,
        handler: async (event, lambdaContext) => {
          const started = performance.now();
          try {
            return await handler(event, lambdaContext);
          } finally {
            apiCalls.push({
              functionId,
              method,
              path: route.path,
              billedMs: Math.ceil(performance.now() - started),
            });
          }
        },
      };
    });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-cost-auth-'));
    const auth = await localAuth(dataDir);
    const server = await startApiServer({ routes, auth, port: 0 });
    const people = {
      reporter: client(server.url, await auth.issue({ role: 'reporter', sub: 'reporter-cost' })),
      officer: client(server.url, await auth.issue({ role: 'officer', sub: 'officer-cost' })),
      enforcer: client(server.url, await auth.issue({ role: 'enforcer', sub: 'enforcer-cost' })),
    };

    const expectStatus = (answer: { status: number; body: unknown }, status: number, what: string) => {
      if (answer.status !== status)
        throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    };
    /** A person reads the case (for its version) and acts on it. */
    const act = async (who: Client, caseId: string, action: string, body: unknown) => {
      const read = await who.get(`/cases/${caseId}`);
      expectStatus(read, 200, `GET /cases/${caseId}`);
      const answer = await who.post(`/cases/${caseId}/${action}`, body, { 'if-match': `"${read.body.version}"` });
      expectStatus(answer, 200, `POST /cases/${caseId}/${action}`);
    };
    /** 送达: the officer records the service of the document the workflow waits for, on the day it does. */
    const serve = async (caseId: string, document: 'notice' | 'enforcement-decision') => {
      await waitForCallback(harness, caseId, 'service');
      await act(people.officer, caseId, 'service', {
        document,
        method: 'direct',
        servedOn: shanghaiDateOf(clock.now()),
        receiver: '当事人本人',
      });
    };
    const report = async (): Promise<string> => {
      const answer = await people.reporter.post(
        '/cases',
        seedSubmission({ category: 'other', discoveredOn: shanghaiDateOf(clock.now()) }),
        {
          'idempotency-key': randomUUID(),
        },
      );
      expectStatus(answer, 201, 'POST /cases');
      return answer.body.id as string;
    };
    const selfDemolition = async (): Promise<string> => {
      clock.restartAt(LEGAL_START);
      const id = await report();
      await serve(id, 'notice');
      await waitForCallback(harness, id, 'inspection');
      const at = clock.now().toISOString();
      await act(people.officer, id, 'inspections', {
        result: 'demolished',
        inspectedAt: at,
        inspector: '王科员',
        areaRemovedM2: 24,
      });
      const outcome = await engine.waitForExecution(executionName({ caseId: id, phase: 'intake', round: 1 }));
      if (outcome.status !== 'SUCCEEDED') throw new Error(`self-demolition run ended ${outcome.status}`);
      return id;
    };
    const forcedDemolition = async (): Promise<string> => {
      clock.restartAt(LEGAL_START);
      const id = await report();
      await serve(id, 'notice');
      await waitForCallback(harness, id, 'inspection');
      await act(people.officer, id, 'inspections', {
        result: 'not-demolished',
        inspectedAt: clock.now().toISOString(),
        inspector: '王科员',
      });
      await serve(id, 'enforcement-decision');
      await waitForCallback(harness, id, 'enforcement');
      await act(people.enforcer, id, 'enforcement', {
        completedAt: clock.now().toISOString(),
        teamLead: '赵队长',
        areaRemovedM2: 24,
      });
      // The decision's service handed the case to a fresh execution, which waited for the windows.
      const outcome = await engine.waitForExecution(executionName({ caseId: id, phase: 'resume', round: 1 }));
      if (outcome.status !== 'SUCCEEDED') throw new Error(`enforcement run ended ${outcome.status}`);
      return id;
    };
    const resetCounters = () => {
      meter.take();
      takeEmails();
      logs.take();
      apiCalls.length = 0;
    };
    const storedByKind = new Map<string, { items: number; bytes: number }>();
    const caseStoredBytes = async (caseId: string) => {
      storedByKind.clear();
      let bytes = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': keys.case(caseId).PK },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          const itemBytes = storedBytes(item, deployed.secondaryIndexes);
          bytes += itemBytes;
          const kind = String(item.SK).replace(/#.*$/, '');
          const sofar = storedByKind.get(kind) ?? { items: 0, bytes: 0 };
          storedByKind.set(kind, { items: sofar.items + 1, bytes: sofar.bytes + itemBytes });
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return bytes;
    };
    const usageOf = async (caseId: string): Promise<{ usage: CaseUsage; entries: number }> => {
      const ofCase = (execution: string) => execution.startsWith(`${caseId}--`);
      const events = eventLog.events.filter((e) => ofCase(e.execution));
      const entries = events.filter((e) => e.type === 'StateEntered').length;
      const retries = events.filter((e) => e.type === 'StateRetried').length;
      const executions = new Set(events.map((e) => e.execution)).size;
      const tasks = eventLog.invocations
        .filter((i) => ofCase(i.execution))
        .map((i) => {
          const functionId = deployed.taskFunctionIds.get(i.functionKey as TaskFunctionKey);
          if (!functionId) throw new Error(`the state machine names no deployed function for ${i.functionKey}`);
          return { functionId, billedMs: Math.ceil(i.durationMs) };
        });
      const invocations = [...tasks, ...apiCalls.map(({ functionId, billedMs }) => ({ functionId, billedMs }))];
      const units = meter.take();
      context.log(`  capacity units by request: ${JSON.stringify(units.byCommand)}`);
      const emails = takeEmails();
      const logBytes =
        logs.take() +
        invocations.reduce(
          (sum, i) => sum + platformLogBytes(i.billedMs, deployed.memoryMbById.get(i.functionId) ?? 0),
          0,
        ) +
        stateMachineLogBytes(events, deployed.stateMachineLogLevel) +
        apiCalls.reduce((sum, call) => sum + accessLogBytes(call.method, call.path), 0);
      return {
        entries,
        usage: {
          stateTransitions: entries + retries,
          invocations,
          readRequestUnits: units.read,
          writeRequestUnits: units.write,
          emails: emails.emails,
          attachmentBytes: emails.attachmentBytes,
          apiRequests: apiCalls.length,
          storedBytes: await caseStoredBytes(caseId),
          logBytes,
          traces: executions + apiCalls.length,
        },
      };
    };

    try {
      // Warm the JVM and the code paths so durations are not all first-call costs.
      await forcedDemolition();
      resetCounters();
      const self = await usageOf(await selfDemolition());
      context.log(`notice → self-demolition → closed: ${self.entries} states entered`);
      resetCounters();
      const enforcedId = await forcedDemolition();
      const full = await usageOf(enforcedId);
      const cost = costOfCase(full.usage, deployed, PRICES);
      context.log(
        `notice → not demolished → demand → decision → windows → forced demolition → closed: ${full.entries} states entered`,
      );
      context.log(
        `cost of that case in ${cost.region} at the deployed memory sizes, priced from the ${cost.pricesRegion} table read ${cost.pricesReadOn} (storage over ${STORAGE_YEARS} years):`,
      );
      for (const [name, p] of Object.entries(cost.parts))
        context.log(
          `  ${name.padEnd(26)} ${String(round(p.quantity, 6)).padStart(12)} ${p.unit} → $${p.usd.toFixed(7)}`,
        );
      context.log(`  ${'total'.padEnd(26)} $${cost.total.toFixed(6)}`);
      const byFunction = new Map<string, { count: number; ms: number }>();
      for (const i of full.usage.invocations) {
        const entry = byFunction.get(i.functionId) ?? { count: 0, ms: 0 };
        byFunction.set(i.functionId, { count: entry.count + 1, ms: entry.ms + i.billedMs });
      }
      context.log(
        `  invocations: ${[...byFunction].map(([id, f]) => `${id}×${f.count} ${f.ms} ms @${deployed.memoryMbById.get(id)} MB`).join(', ')}`,
      );
      context.log(
        `  stored: ${[...storedByKind].map(([kind, k]) => `${kind} ${k.items} items ${k.bytes} B`).join(', ')} (indexes and 100 B per item included)`,
      );
      const figures: Record<string, { value: number; unit: string }> = {
        'transitions.self_demolition': { value: self.entries, unit: 'transitions' },
        'transitions.full_enforcement': { value: full.entries, unit: 'transitions' },
        'cost.usd_per_case_enforcement': { value: round(cost.total, 6), unit: 'USD' },
      };
      for (const [name, p] of Object.entries(cost.parts))
        figures[`cost.enforcement.${name}`] = { value: round(p.usd, 9), unit: 'USD' };
      return figures;
    } finally {
      await server.close();
      await engine.close();
      await ses.stop();
      sesSdk.destroy();
      meteredClient.destroy();
      rmSync(dataDir, { recursive: true, force: true });
      s3Sdk.destroy();
      await s3.stop();
      rmSync(objectsDir, { recursive: true, force: true });
    }
  },
};
