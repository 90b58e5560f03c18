import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SendRawEmailCommandInput } from '@aws-sdk/client-ses';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AppLogger } from '#app/context';
import { makeMailFailureLog } from '#app/mail-failures';
import { bindRoutes } from '#api/operations/index';
import { chinaCalendar } from '#domain/china-calendar';
import { DEFAULT_POLICY } from '#domain/policy';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { manualClock } from '#domain/clock';
import { digestBytes } from '#domain/digest';
import { makeDigestWriter } from '#app/digests';
import { localDigestSigner } from '#local/local-digest-signer';
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
import { jpegWithExif } from '#test/fixtures/photos';
import type { Harness } from '#test/workflow/harness';
import { LEGAL_START, RecordingMailer, testClock, waitForCallback } from '#test/workflow/harness';
import type { CaseUsage, DailyDigestUsage } from './cost-model';
import { CASES_PER_YEAR, costOfCase, monthlyStorageOf } from './cost-model';
import type { DeployedStack } from './deployed-stack';
import { synthesizeDeployedStack } from './deployed-stack';
import type { Benchmark } from './harness';
import { round, unusedDigests } from './harness';
import { storedBytes } from './item-size';
import { meterCapacity } from './write-units';
import { PRICES } from './prices';

/** Legal days per wall-clock second: the default policy's half-year windows pass in seconds. */
const FACTOR = 2_000_000;

/**
 * The evidence of an enforced case, as priced: two photos with the report, two with the inspection that
 * finds the construction standing, two of the forced demolition — each 3 MB, what a 12-megapixel phone
 * camera writes as a JPEG (well under the API's 20 MB limit for photos). Each is downloaded once, by the
 * officer deciding on it.
 */
const PHOTOS_PER_STAGE = 2;
const PHOTO_BYTES = 3 * 1024 * 1024;

/** S3's PUT-tier requests (PUT, COPY, POST, LIST); every other request but DELETE is GET-tier. */
const S3_PUT_TIER = new Set([
  'PutObjectCommand',
  'CopyObjectCommand',
  'ListObjectsV2Command',
  'CreateMultipartUploadCommand',
  'UploadPartCommand',
  'CompleteMultipartUploadCommand',
]);
const S3_FREE = new Set(['DeleteObjectCommand', 'AbortMultipartUploadCommand']);

/**
 * Counts the requests an S3 client sends, by price tier. Counted where a request leaves for the network:
 * presigning a URL runs the same command to its signing step and stops there, which is not a request.
 */
function meterS3(client: S3Client) {
  const counts = { put: 0, get: 0 };
  const byCommand = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '?';
      byCommand.set(command, (byCommand.get(command) ?? 0) + 1);
      if (S3_PUT_TIER.has(command)) counts.put += 1;
      else if (!S3_FREE.has(command)) counts.get += 1;
      return next(args);
    },
    { step: 'deserialize', name: 'countS3Requests' },
  );
  return {
    /** A request a browser sends itself, through a presigned URL. */
    browser(method: 'PUT' | 'GET') {
      byCommand.set(`browser ${method}`, (byCommand.get(`browser ${method}`) ?? 0) + 1);
      if (method === 'PUT') counts.put += 1;
      else counts.get += 1;
    },
    take() {
      const taken = { put: counts.put, get: counts.get, byCommand: Object.fromEntries(byCommand) };
      counts.put = 0;
      counts.get = 0;
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
    const s3 = await startLocalS3({ directory: objectsDir, buckets: ['rectify-bench-files', 'rectify-bench-digests'] });
    process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    const s3Sdk = s3Client();
    const s3Meter = meterS3(s3Sdk);
    const objects = new S3ObjectStore(s3Sdk, 'rectify-bench-files');
    const meteredClient = dynamoDbClient();
    const meter = meterCapacity(meteredClient, async (TableName, Key) => {
      const answer = await doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
      return answer.Item;
    });
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
        caseFiles: objects,
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
      objects,
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
    /**
     * A person reads the case (for its version) and acts on it; told the case changed since (a reminder the
     * workflow sent while they attached photos), they read it again and retry, as the answer says to.
     */
    const act = async (who: Client, caseId: string, action: string, body: unknown) => {
      for (let attempt = 1; ; attempt += 1) {
        const read = await who.get(`/cases/${caseId}`);
        expectStatus(read, 200, `GET /cases/${caseId}`);
        const answer = await who.post(`/cases/${caseId}/${action}`, body, { 'if-match': `"${read.body.version}"` });
        if (answer.status === 409 && attempt < 3 && answer.body?.type === 'urn:rectify:problem:version-conflict')
          continue;
        expectStatus(answer, 200, `POST /cases/${caseId}/${action}`);
        return;
      }
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
    /** Photos attached as the console does: ask for an upload, PUT the bytes to the presigned URL, confirm. */
    const attachPhotos = async (who: Client, caseId: string, stage: string): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < PHOTOS_PER_STAGE; i += 1) {
        const bytes = jpegWithExif({
          takenAt: '2026:11:20 10:30:00',
          latitude: 29.5586,
          longitude: 106.4628,
          padding: PHOTO_BYTES - 200,
        });
        const fileName = `${stage}-${i + 1}.jpg`;
        const asked = await who.post(`/cases/${caseId}/evidence-uploads`, {
          fileName,
          contentType: 'image/jpeg',
          size: bytes.byteLength,
          stage,
        });
        expectStatus(asked, 201, `POST /cases/${caseId}/evidence-uploads`);
        const { evidenceId, upload } = asked.body as {
          evidenceId: string;
          upload: { method: string; url: string; headers: Record<string, string> };
        };
        s3Meter.browser('PUT');
        const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes });
        await put.arrayBuffer();
        if (!put.ok) throw new Error(`the presigned upload answered ${put.status}`);
        const confirmed = await who.post(`/cases/${caseId}/evidence`, { evidenceId, fileName, stage });
        expectStatus(confirmed, 201, `POST /cases/${caseId}/evidence`);
        ids.push(evidenceId);
      }
      return ids;
    };
    /** The officer opens each file once: a download link from the API, the bytes from the bucket. */
    const downloadEach = async (caseId: string, evidenceIds: readonly string[]) => {
      for (const evidenceId of evidenceIds) {
        const link = await people.officer.get(`/cases/${caseId}/evidence/${evidenceId}/download`);
        expectStatus(link, 200, `GET /cases/${caseId}/evidence/${evidenceId}/download`);
        const { url } = link.body as { url: string };
        s3Meter.browser('GET');
        const answer = await fetch(url);
        const bytes = await answer.arrayBuffer();
        if (!answer.ok) throw new Error(`the presigned download answered ${answer.status}`);
        downloaded.bytes += bytes.byteLength;
      }
    };
    const downloaded = { bytes: 0 };
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
      const reported = await attachPhotos(people.reporter, id, 'intake');
      await serve(id, 'notice');
      await waitForCallback(harness, id, 'inspection');
      const inspected = await attachPhotos(people.officer, id, 'inspection');
      await act(people.officer, id, 'inspections', {
        result: 'not-demolished',
        inspectedAt: clock.now().toISOString(),
        inspector: '王科员',
        evidenceIds: inspected,
      });
      await serve(id, 'enforcement-decision');
      await waitForCallback(harness, id, 'enforcement');
      const demolished = await attachPhotos(people.enforcer, id, 'enforcement');
      await act(people.enforcer, id, 'enforcement', {
        completedAt: clock.now().toISOString(),
        teamLead: '赵队长',
        areaRemovedM2: 24,
        evidenceIds: demolished,
      });
      // The decision's service handed the case to a fresh execution, which waited for the windows.
      const outcome = await engine.waitForExecution(executionName({ caseId: id, phase: 'resume', round: 1 }));
      if (outcome.status !== 'SUCCEEDED') throw new Error(`enforcement run ended ${outcome.status}`);
      await downloadEach(id, [...reported, ...inspected, ...demolished]);
      // Once, at the close, the history is verified: the chain, and every file and document read back.
      const verified = await people.officer.get(`/cases/${id}/history?verify=true`);
      expectStatus(verified, 200, `GET /cases/${id}/history?verify=true`);
      return id;
    };
    const resetCounters = () => {
      meter.take();
      takeEmails();
      logs.take();
      s3Meter.take();
      downloaded.bytes = 0;
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
    /** The size of each file kept under the case's prefix: its evidence and its documents. */
    const caseFileBytes = async (caseId: string): Promise<number[]> => {
      const sizes: number[] = [];
      for await (const key of objects.keys(`cases/${caseId}/`)) {
        const head = await objects.head(key);
        if (head) sizes.push(head.size);
      }
      s3Meter.take();
      return sizes;
    };
    /**
     * What the case adds to the digests: it is in the digest of each UTC day its chain head moved (the
     * day of each of its events, as the byHeadChangedDay index files it); each reads its head and keeps
     * one line more.
     */
    const digestShareOf = async (caseId: string) => {
      const days = new Set<string>();
      for await (const event of harness.store.allEvents(caseId))
        days.add(new Date(event.at).toISOString().slice(0, 10));
      meter.take();
      const [head] = await store.heads.headsOf([caseId]);
      const headReadUnits = meter.take().read;
      if (!head) throw new Error(`no chain head for ${caseId}`);
      const empty = {
        format: 'rectify-digest/1' as const,
        sequence: 1,
        periodStart: null,
        periodEnd: head.updatedAt,
        writtenAt: head.updatedAt,
        previous: null,
        heads: [],
      };
      const withHead = { ...empty, heads: [{ caseId, seq: head.lastSeq, hash: head.lastHash }] };
      return {
        digestDays: days.size,
        digestHeadReadUnits: headReadUnits,
        digestHeadBytes: digestBytes(withHead).byteLength - digestBytes(empty).byteLength,
      };
    };
    /**
     * One day's digest as the DailyDigest function writes it, on a table whose cases all changed days
     * before: the chain's end found and read, the day partitions queried, the file signed and stored.
     * A first digest (every case) is written beforehand, so the measured one is an ordinary day's.
     */
    const dailyDigestUsage = async (): Promise<DailyDigestUsage> => {
      const signerDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-cost-digest-'));
      try {
        const signer = localDigestSigner(signerDir);
        let signs = 0;
        const counted = {
          keyId: signer.keyId,
          sign: (bytes: Uint8Array) => {
            signs += 1;
            return signer.sign(bytes);
          },
        };
        const archive = new S3ObjectStore(s3Sdk, 'rectify-bench-digests');
        // Well after every case's last event, whichever clock restart dated it.
        const digestClock = manualClock(new Date(clock.now().getTime() + 400 * 86_400_000));
        const writer = makeDigestWriter({ store, digests: { archive, signer: counted }, clock: digestClock });
        await writer.daily();
        digestClock.advance(86_400_000);
        meter.take();
        s3Meter.take();
        signs = 0;
        const started = performance.now();
        const written = await writer.daily();
        const billedMs = Math.ceil(performance.now() - started);
        const units = meter.take();
        const requests = s3Meter.take();
        if (!written.written || written.heads !== 0) throw new Error(`the day's digest: ${JSON.stringify(written)}`);
        const stored = await archive.head(written.key);
        s3Meter.take();
        context.log(
          `  a day's digest: ${billedMs} ms, ${units.read} read units, S3 ${JSON.stringify(requests.byCommand)}, ${signs} signature, ${stored?.size} bytes`,
        );
        return {
          invocation: { functionId: 'DailyDigest', billedMs },
          readRequestUnits: units.read,
          s3Requests: { put: requests.put, get: requests.get },
          signs,
          bytes: stored?.size ?? 0,
        };
      } finally {
        rmSync(signerDir, { recursive: true, force: true });
      }
    };
    /** Legal days from the report to the close. */
    const openDaysOf = async (caseId: string): Promise<number> => {
      const record = await harness.store.getCase(caseId);
      if (!record?.closedAt) throw new Error(`case ${caseId} did not close`);
      return (Date.parse(record.closedAt) - Date.parse(record.reportedAt)) / 86_400_000;
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
      const s3Requests = s3Meter.take();
      context.log(`  S3 requests: ${JSON.stringify(s3Requests.byCommand)}`);
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
          s3Requests: { put: s3Requests.put, get: s3Requests.get },
          caseFileBytes: await caseFileBytes(caseId),
          openDays: await openDaysOf(caseId),
          downloadBytes: downloaded.bytes,
          ...(await digestShareOf(caseId)),
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
      const digest = await dailyDigestUsage();
      const cost = costOfCase(full.usage, digest, deployed, PRICES);
      const monthly = monthlyStorageOf(full.usage, deployed, PRICES);
      context.log(
        `notice → not demolished → demand → decision → windows → forced demolition → closed: ${full.entries} states entered`,
      );
      context.log(
        `cost of that case in ${cost.region} at the deployed memory sizes, priced from the ${cost.pricesRegion} table read ${cost.pricesReadOn} (storage over the case files' ${deployed.caseFiles.retentionDays}-day ${deployed.caseFiles.lockMode} retention; the daily digest, $${cost.dailyDigestUsd.toFixed(7)} a day, among ${CASES_PER_YEAR} cases a year):`,
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
      const files = full.usage.caseFileBytes;
      context.log(
        `  case files: ${files.length}, ${files.reduce((sum, bytes) => sum + bytes, 0)} B (${[...files].sort((a, b) => a - b).join(', ')}); downloaded ${full.usage.downloadBytes} B; in ${full.usage.digestDays} daily digests`,
      );
      context.log(
        `  keeping it a month: $${monthly.standard.toFixed(7)} while its files are in S3 Standard, $${monthly.archived.toFixed(7)} once archived`,
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
