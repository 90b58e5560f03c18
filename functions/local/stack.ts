import { makeMailFailureLog } from '#app/mail-failures';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { AppLogger } from '#app/context';
import { makeCaseIntake } from '#app/case-intake';
import type { HealthReport } from '#api/health';
import { checkHealth } from '#api/health';
import { bindRoutes } from '#api/operations/index';
import { chinaCalendar } from '#domain/china-calendar';
import type { Clock } from '#domain/clock';
import { acceleratedClock } from '#domain/clock';
import type { Policy } from '#domain/policy';
import { resolvePolicy } from '#domain/policy';
import { makeDocumentIssuer } from '#app/document-issuer';
import type { IssuingOfficesConfig } from '#documents/issuing-offices';
import { parseIssuingOffices } from '#documents/issuing-offices';
import type { MailRecipients } from '#mail/recipients';
import { parseMailRecipients } from '#mail/recipients';
import type { RetryPolicy } from '#mail/ses-mailer';
import type { SweepReport } from '#mail/mailer';
import type { WorkflowCheckReport } from '#app/workflow-check';
import { makeWorkflowCheck } from '#app/workflow-check';
import { SesMailer } from '#mail/ses-mailer';
import type { SweepLoop } from './sweep-loop';
import { startSweepLoop } from './sweep-loop';
import type { DigestWritten } from '#app/digests';
import { makeDigestWriter } from '#app/digests';
import { documentClient, dynamoDbClient, sesClient } from '#shared/aws-clients';
import { CaseStore } from '#store/case-store';
import { createTableInput } from '#store/table';
import { LocalWorkflowEngine } from './local-engine';
import { EngineEventLog, TaskFaults } from './local-engine-probes';
import type { ApiServer } from './api-server';
import { startApiServer } from './api-server';
import { CONSOLE_BASE_PATH, consoleSite } from './console-site';
import type { DynamoDbLocal } from './dynamodb-local';
import { freePort, startDynamoDbLocal } from './dynamodb-local';
import { ensureDemoCases } from './demo-data';
import { PRIVATE_FILE_MODE, preparePrivateDataDir } from './data-dir';
import type { LocalAuth } from './local-auth';
import { localAuth, localCursorKey } from './local-auth';
import type { LocalSes } from './ses-local';
import type { LocalS3 } from './s3-local';
import { startLocalS3 } from './s3-local';
import { S3ObjectStore, s3Client } from '#objects/s3-object-store';
import { localDigestSigner } from './local-digest-signer';
import { DEFAULT_MAIL_PORT, startLocalSes } from './ses-local';

/**
 * The whole system on one laptop, in one process: DynamoDB Local (data under DATA_DIR), the local SES
 * with its mailbox page, the local workflow engine running the real ASL with an accelerated legal clock,
 * the mail outbox sweep, and the API — the same handlers as in AWS — on localhost.
 */
export const DEFAULT_PORT = 3000;
const DEFAULT_TABLE_NAME = 'rectify-local';
/** The local object store's one bucket: evidence, documents and large exports, as the one bucket in AWS. */
const DEFAULT_OBJECT_BUCKET = 'rectify-local-objects';
/** The digests' own bucket, as in AWS (where it has Object Lock COMPLIANCE, which the local server lacks). */
const DIGEST_BUCKET = 'rectify-local-digests';
/** Legal seconds per wall second: one legal day passes in 5 s, a 15-day deadline in 75 s. */
export const DEFAULT_CLOCK_FACTOR = 17_280;
/** DynamoDB Local is the largest part of the idle stack; this cap keeps the whole stack under 700 MB. */
const DEFAULT_DYNAMO_HEAP_MB = 256;

export interface LocalStackOptions {
  dataDir: string;
  /** API port; 0 picks a free one. */
  port?: number;
  /** Mailbox page port; 0 picks a free one. */
  mailPort?: number;
  host?: string;
  clockFactor?: number;
  dynamoHeapMb?: number;
  tableName?: string;
  /** Create the seed community's demo cases on the first start. */
  demoData?: boolean;
  policy?: Policy;
  recipients?: MailRecipients;
  /** The offices that issue each sub-district's documents (beside the recipients). */
  offices?: IssuingOfficesConfig;
  mailSweepIntervalMs?: number;
  /** How often the stack looks for cases whose intake workflow never started (ms). */
  workflowCheckIntervalMs?: number;
  /** How often (wall clock) the daily digest is brought up to the legal day's start. */
  digestIntervalMs?: number;
  /**
   * Wall-clock time a case's deadline may have passed, with the case unmoved, before the check looks at
   * its workflow (legal time runs faster here, so the check's grace is converted).
   */
  workflowCheckGraceWallMs?: number;
  /** The outbox's retry timings (tests shorten the backoff after an outage of the mail service). */
  mailRetry?: Partial<RetryPolicy>;
  /** Retry waits in the local engine (ms); Step Functions' back-off is for AWS. */
  retryIntervalMs?: number;
  log?: (line: string) => void;
  /** The built console (console/dist) to serve under /console on the API's origin; none when absent. */
  consoleDir?: string;
}

export interface LocalStack {
  apiUrl: string;
  /** The console's address, when the stack serves one. */
  consoleUrl?: string;
  mailboxUrl: string;
  mailStoreUrl: string;
  dataDir: string;
  tableName: string;
  clock: Clock;
  store: CaseStore;
  engine: LocalWorkflowEngine;
  /** The engine's state transitions and task invocations, for tests and benches to read. */
  eventLog: EngineEventLog;
  /** Faults tests inject into the engine's task states. */
  faults: TaskFaults;
  mailer: SesMailer;
  auth: LocalAuth;
  /** Every part the local stack runs, with its process where it has one of its own. */
  dynamo: DynamoDbLocal;
  /** The local SES (tests stop and start it again to simulate an outage of the mail service). */
  ses: LocalSes;
  /** The local S3-compatible server (objects under DATA_DIR/objects), reached at AWS_ENDPOINT_URL_S3. */
  s3: LocalS3;
  /** The object store on it: evidence, documents, large exports. */
  objects: S3ObjectStore;
  demoCaseIds: string[];
  /** Executions that were open when the stack last stopped and run again now. */
  resumed: string[];
  /** The periodic check that starts the intake of cases stored without a workflow. */
  workflowCheck: SweepLoop<WorkflowCheckReport>;
  health(): Promise<HealthReport>;
  stop(): Promise<void>;
}

/** Where mail goes on a laptop: everything lands in the local mailbox page, whatever the address. */
const LOCAL_RECIPIENTS: MailRecipients = {
  from: 'rectify@rectify.local',
  fromName: '违法建设治理办公室',
  subdistricts: { 小龙坎街道: ['xiaolongkan-office@rectify.local'] },
  fallback: ['subdistrict-office@rectify.local'],
  alerts: ['operations@rectify.local'],
};

/** The seed community's sub-district office, and the district's office for every other sub-district. */
const LOCAL_OFFICES: IssuingOfficesConfig = {
  subdistricts: {
    小龙坎街道: {
      name: '重庆市沙坪坝区小龙坎街道办事处',
      reconsiderationAuthority: '重庆市沙坪坝区人民政府',
      court: '重庆市沙坪坝区人民法院',
    },
  },
  fallback: {
    name: '重庆市沙坪坝区综合行政执法局',
    reconsiderationAuthority: '重庆市沙坪坝区人民政府',
    court: '重庆市沙坪坝区人民法院',
  },
};

const clockFileSchema = z.object({ legalMs: z.number(), factor: z.number() });

/**
 * The legal clock resumes where it stood when the stack stopped: deadlines do not rush past while the
 * laptop is off, and restarting keeps every pending Wait in the same legal future.
 */
function persistentClock(dataDir: string, factor: number): { clock: Clock; save(): void } {
  const file = path.join(dataDir, 'clock.json');
  let legalMs = Date.now();
  try {
    legalMs = clockFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).legalMs;
  } catch {
    // First start (or an unreadable file): legal time starts now.
  }
  const clock = acceleratedClock({ wallMs: Date.now(), legalMs, factor });
  return {
    clock,
    save() {
      const temporary = `${file}.tmp`;
      writeFileSync(
        temporary,
        JSON.stringify({ legalMs: clock.now().getTime(), factor, savedAt: new Date().toISOString() }),
        { mode: PRIVATE_FILE_MODE },
      );
      renameSync(temporary, file);
    },
  };
}

async function ensureTable(client: ReturnType<typeof dynamoDbClient>, tableName: string): Promise<boolean> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    await addMissingIndexes(client, tableName, new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName)));
    return false;
  } catch (error) {
    if (
      !(error instanceof ResourceNotFoundException) &&
      (error as { name?: string }).name !== 'ResourceNotFoundException'
    )
      throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  return true;
}

/**
 * A data folder from an earlier version lacks the indexes added since: each is created, one at a time as
 * DynamoDB requires. Cases stored before carry no key for a new index until their next change (a
 * reporter's own list, for instance, shows an older case once something happens to it).
 */
async function addMissingIndexes(
  client: ReturnType<typeof dynamoDbClient>,
  tableName: string,
  present: Set<string | undefined>,
): Promise<void> {
  const wanted = createTableInput(tableName);
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    const attributes = (wanted.AttributeDefinitions ?? []).filter((a) =>
      index.KeySchema?.some((k) => k.AttributeName === a.AttributeName),
    );
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributes,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  }
}

function lineLogger(log: (line: string) => void): AppLogger {
  const text = (part: unknown) =>
    typeof part === 'string' ? part : part instanceof Error ? String(part) : JSON.stringify(part);
  const format = (level: string, message: unknown, extra: unknown[]) =>
    `${level} ${text(message)}${extra.length ? ` ${extra.map(text).join(' ')}` : ''}`;
  return {
    info: (message, ...extra) => log(format('info', message, extra)),
    warn: (message, ...extra) => log(format('warn', message, extra)),
    error: (message, ...extra) => log(format('error', message, extra)),
  };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = path.resolve(options.dataDir);
  preparePrivateDataDir(dataDir);
  const log = options.log ?? (() => undefined);
  const logger = lineLogger(log);
  const host = options.host ?? '127.0.0.1';
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_REGION ??= 'ap-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

  // Parts started so far, stopped in reverse order if a later one fails to start.
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of stops.splice(0).reverse()) {
      try {
        await part.stop();
      } catch (error) {
        log(`warn could not stop ${part.name}: ${String(error)}`);
      }
    }
  };

  try {
    const dynamo = await startDynamoDbLocal({
      dataDir: path.join(dataDir, 'dynamodb'),
      heapMb: options.dynamoHeapMb ?? DEFAULT_DYNAMO_HEAP_MB,
      // Ctrl-C in the terminal must not stop the database before the parts that write to it.
      detached: true,
    });
    // If this process dies without stopping the stack, Java must not outlive it.
    const killJava = () => dynamo.process.kill('SIGKILL');
    process.once('exit', killJava);
    stops.push({
      name: 'DynamoDB Local',
      stop: async () => {
        process.off('exit', killJava);
        await dynamo.stop();
      },
    });
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    const client = dynamoDbClient();
    stops.push({ name: 'DynamoDB client', stop: async () => client.destroy() });
    const doc = documentClient(client);
    const created = await ensureTable(client, tableName);
    log(`info table ${tableName} ${created ? 'created' : 'found'} in ${path.join(dataDir, 'dynamodb')}`);
    const store = new CaseStore(doc, tableName);

    const ses: LocalSes = await startLocalSes({ port: options.mailPort ?? DEFAULT_MAIL_PORT, host, dataDir });
    stops.push({ name: 'local SES', stop: () => ses.stop() });
    process.env.AWS_ENDPOINT_URL_SES = ses.endpoint;

    const s3 = await startLocalS3({
      directory: path.join(dataDir, 'objects'),
      buckets: [DEFAULT_OBJECT_BUCKET, DIGEST_BUCKET],
      // Loopback even when the API is opened to the network: the store checks no signature.
      host: '127.0.0.1',
      detached: true,
    });
    const killS3 = () => s3.process.kill('SIGKILL');
    process.once('exit', killS3);
    stops.push({
      name: 'local S3',
      stop: async () => {
        process.off('exit', killS3);
        await s3.stop();
      },
    });
    process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    const s3Sdk = s3Client();
    stops.push({ name: 'S3 client', stop: async () => s3Sdk.destroy() });
    const objects = new S3ObjectStore(s3Sdk, DEFAULT_OBJECT_BUCKET);
    const signingKey = localDigestSigner(dataDir);
    const digests = { archive: new S3ObjectStore(s3Sdk, DIGEST_BUCKET), signer: signingKey, publicKey: signingKey };

    const { clock, save: saveClock } = persistentClock(dataDir, options.clockFactor ?? DEFAULT_CLOCK_FACTOR);
    const clockTimer = setInterval(saveClock, 2_000);
    clockTimer.unref();
    stops.push({
      name: 'legal clock',
      stop: async () => {
        clearInterval(clockTimer);
        saveClock();
      },
    });

    const policy = options.policy ?? resolvePolicy();
    const calendar = chinaCalendar();
    // The port is fixed before the mailer is built: its emails link to the console on the API's origin.
    const port = options.port === 0 ? await freePort() : (options.port ?? DEFAULT_PORT);
    const apiBase = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    const sesSdk = sesClient();
    stops.push({ name: 'SES client', stop: async () => sesSdk.destroy() });
    const recipients = parseMailRecipients(options.recipients ?? LOCAL_RECIPIENTS);
    // Every sub-district that receives mail needs an office to issue its documents: checked at start.
    const offices = parseIssuingOffices(options.offices ?? LOCAL_OFFICES, Object.keys(recipients.subdistricts));
    const mailer = new SesMailer({
      doc,
      tableName,
      ses: sesSdk,
      recipients,
      objects,
      // The console's case page, when this stack serves the console on the API's origin.
      ...(options.consoleDir ? { consoleUrl: `${apiBase}${CONSOLE_BASE_PATH}` } : {}),
      failures: makeMailFailureLog({ store, clock }),
      clock,
      logger,
      retry: options.mailRetry,
    });
    const sweep: SweepLoop<SweepReport> = startSweepLoop(() => mailer.deliverPending(), {
      intervalMs: options.mailSweepIntervalMs ?? 2_000,
      onError: (error) => log(`warn mail sweep failed: ${String(error)}`),
    });
    stops.push({ name: 'mail sweep', stop: () => sweep.stop() });

    const eventLog = new EngineEventLog();
    const faults = new TaskFaults();
    const engine = new LocalWorkflowEngine({
      taskDeps: {
        store,
        mailer,
        clock,
        calendar,
        policy,
        logger,
        documents: makeDocumentIssuer({ objects, offices }),
        caseFiles: objects,
      },
      probes: [eventLog, faults],
      doc,
      tableName,
      retryIntervalMs: options.retryIntervalMs ?? 500,
      log: (line) => log(`engine ${line}`),
    });
    stops.push({ name: 'workflow engine', stop: () => engine.close() });

    let engineOpen = true;
    const health = {
      dynamodb: async () => {
        if (dynamo.process.exitCode !== null) throw new Error(`DynamoDB Local exited (${dynamo.process.exitCode})`);
        await client.send(new DescribeTableCommand({ TableName: tableName }));
      },
      mail: async () => {
        const response = await fetch(ses.storeUrl, { signal: AbortSignal.timeout(1_500) });
        if (!response.ok) throw new Error(`the local SES answered ${response.status}`);
        await response.body?.cancel();
      },
      'workflow-engine': async () => {
        if (!engineOpen) throw new Error('the local workflow engine is stopped');
        engine.runningExecutions();
      },
      // A key that never exists: a 404 proves the store answers.
      'object-store': async () => void (await objects.head('health-check')),
    };
    const deps = {
      store,
      engine,
      clock,
      calendar,
      policy,
      logger,
      health,
      mailer,
      objects,
      digests,
      cursorKey: localCursorKey(dataDir),
    };
    const auth = await localAuth(dataDir);
    const fallback = options.consoleDir
      ? consoleSite({
          dir: options.consoleDir,
          auth,
          clock,
          clockFactor: options.clockFactor ?? DEFAULT_CLOCK_FACTOR,
          objectStoreOrigin: s3.endpoint,
        })
      : undefined;
    const api: ApiServer = await startApiServer({ routes: bindRoutes(deps), auth, port, host, logger, fallback });
    stops.push({ name: 'API server', stop: () => api.close() });
    // Stop taking requests before the engine closes, so no action lands on a closing engine.
    const engineStop = stops.find((s) => s.name === 'workflow engine');
    if (engineStop) {
      const close = engineStop.stop;
      engineStop.stop = async () => {
        engineOpen = false;
        await close();
      };
    }

    const resumed = await engine.resumeOpenExecutions();
    if (resumed.length) log(`info resumed ${resumed.length} open execution(s)`);
    // After the resume, so only cases with no execution at all are started by the check.
    const clockFactor = options.clockFactor ?? DEFAULT_CLOCK_FACTOR;
    const workflowCheck: SweepLoop<WorkflowCheckReport> = startSweepLoop(
      makeWorkflowCheck(deps, { stallGraceMs: (options.workflowCheckGraceWallMs ?? 60_000) * clockFactor }).check,
      {
        intervalMs: options.workflowCheckIntervalMs ?? 30_000,
        onReport: (report) => {
          if (report.started.length)
            log(
              `warn started the intake of ${report.started.length} case(s) left unstarted: ${report.started.join(', ')}`,
            );
          if (report.resumed.length)
            log(`warn resumed the stopped workflow of ${report.resumed.length} case(s): ${report.resumed.join(', ')}`);
          if (report.gaveUp.length)
            log(
              `error flagged ${report.gaveUp.length} case(s) whose workflow keeps stopping: ${report.gaveUp.join(', ')}`,
            );
        },
        onError: (error) => log(`warn workflow check failed: ${String(error)}`),
      },
    );
    stops.push({ name: 'workflow check', stop: () => workflowCheck.stop() });
    // The daily digest, on the legal clock: each legal day that has ended is anchored once.
    const digestLoop: SweepLoop<DigestWritten> = startSweepLoop(makeDigestWriter({ store, digests, clock }).daily, {
      intervalMs: options.digestIntervalMs ?? 60_000,
      onReport: (report) => {
        if (report.written) log(`info digest ${report.key} anchors ${report.heads} chain head(s)`);
      },
      onError: (error) => log(`warn digest not written: ${String(error)}`),
    });
    stops.push({ name: 'digest writer', stop: () => digestLoop.stop() });
    const demo =
      options.demoData === false
        ? { created: false, caseIds: [] }
        : await ensureDemoCases(makeCaseIntake(deps), dataDir, clock.now());

    return {
      apiUrl: api.url,
      ...(options.consoleDir ? { consoleUrl: `${api.url}${CONSOLE_BASE_PATH}/` } : {}),
      mailboxUrl: ses.mailboxUrl,
      mailStoreUrl: ses.storeUrl,
      dataDir,
      tableName,
      clock,
      store,
      engine,
      eventLog,
      faults,
      mailer,
      auth,
      dynamo,
      ses,
      s3,
      objects,
      demoCaseIds: demo.caseIds,
      resumed,
      workflowCheck,
      health: () => checkHealth(health),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
