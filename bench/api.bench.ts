import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bindRoutes } from '#api/operations/index';
import {
  addressKeyOf,
  IDEMPOTENCY_TTL_SECONDS,
  reportedCaseOf,
  requestHashOf,
  scopedIdempotencyKey,
} from '#app/case-intake';
import { newCaseId } from '#domain/case-history';
import { chinaCalendar } from '#domain/china-calendar';
import { systemClock } from '#domain/clock';
import { resolvePolicy } from '#domain/policy';
import type { CaseSubmission } from '#domain/schemas';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { startApiServer } from '#local/api-server';
import { freePort } from '#local/dynamodb-local';
import { localAuth } from '#local/local-auth';
import { CaseStore } from '#store/case-store';
import { keys } from '#store/table';
import { seedSubmission } from '#test/fixtures/submissions';
import type { Benchmark, BenchContext } from './harness';
import { percentile, round, unusedObjectStore, unusedDigests } from './harness';
import { CountingEngine } from './counting-engine';
import { meterCapacity } from './write-units';
import { documentClient, dynamoDbClient } from '#shared/aws-clients';
import { mapLimited } from '#shared/concurrency';

/** Requests in flight at once, from both the API's clients and the raw writer. */
const CONCURRENCY = 8;
const WARMUP = 60;
const MEASURED = 400;
/** Alternating rounds on fresh tables, so neither side profits from a warmer or emptier table. */
const ROUNDS = 2;

function submissionNumber(i: number, label: string): CaseSubmission {
  return seedSubmission({
    location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: `${label} 隆庆楼${i}号` },
    discoveredOn: shanghaiDateOf(new Date()),
  });
}

/** Runs `work(0 … count-1)`, CONCURRENCY at a time; the seconds it took. */
async function runConcurrently(count: number, work: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  await mapLimited(
    Array.from({ length: count }, (_, i) => i),
    CONCURRENCY,
    work,
  );
  return (performance.now() - started) / 1000;
}

/** The same items the API writes for a submission, as one TransactWriteItems, straight to DynamoDB. */
async function rawRound(context: BenchContext, label: string): Promise<{ perSecond: number }> {
  const { doc, tableName } = await context.freshTable(`raw-${label}`);
  const write = async (i: number) => {
    const submission = submissionNumber(i, label);
    const at = new Date();
    const id = newCaseId(shanghaiDateOf(at), randomBytes(6));
    const { record, event } = reportedCaseOf({
      id,
      at,
      actor: { sub: 'bench-reporter', role: 'reporter' },
      submission,
      possibleDuplicates: [],
    });
    const caseItem = {
      ...keys.case(id),
      ...keys.statusIndex(record.status, record.dueAt, id),
      ...keys.areaIndex(record.location.subdistrict, record.reportedAt, id),
      entity: 'case',
      ...record,
    };
    const idempotency = {
      ...keys.idempotency(scopedIdempotencyKey('bench-reporter', randomUUID())),
      entity: 'idempotency',
      requestHash: requestHashOf(submission),
      caseId: id,
      createdAt: at.toISOString(),
      expiresAt: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    };
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: caseItem, ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.event(id, 1), entity: 'event', ...event },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Put: { TableName: tableName, Item: idempotency, ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Put: {
              TableName: tableName,
              Item: {
                ...keys.addressCases(addressKeyOf(submission.location)),
                entity: 'address-cases',
                count: 1,
                caseIds: [id],
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
  };
  await runConcurrently(WARMUP, (i) => write(-1 - i));
  const seconds = await runConcurrently(MEASURED, write);
  return { perSecond: MEASURED / seconds };
}

/** `POST /cases` over HTTP to the local API server: token check, validation, duplicate check, intake. */
async function apiRound(
  context: BenchContext,
  label: string,
): Promise<{
  perSecond: number;
  latenciesMs: number[];
  wcuPerSubmission: number;
  wcuByTarget: Record<string, number>;
}> {
  const { client, doc, tableName } = await context.freshTable(`api-${label}`);
  const plain = dynamoDbClient();
  const plainDoc = documentClient(plain);
  const meter = meterCapacity(client, async (TableName, Key) => {
    const answer = await plainDoc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
    return answer.Item;
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-bench-api-'));
  const auth = await localAuth(dataDir);
  const engine = new CountingEngine();
  const deps = {
    store: new CaseStore(doc, tableName),
    engine,
    clock: systemClock,
    calendar: chinaCalendar(),
    policy: resolvePolicy(),
    health: {},
    objects: unusedObjectStore(),
    digests: unusedDigests(),
  };
  const server = await startApiServer({ routes: bindRoutes(deps), auth });
  const token = await auth.issue({ role: 'reporter', sub: 'bench-reporter' });
  const latenciesMs: number[] = [];
  const submit = async (i: number, measure: boolean) => {
    const started = performance.now();
    const response = await fetch(`${server.url}/cases`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify(submissionNumber(i, label)),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`POST /cases answered ${response.status}`);
    if (measure) latenciesMs.push(performance.now() - started);
  };
  try {
    await runConcurrently(WARMUP, (i) => submit(-1 - i, false));
    meter.take();
    const seconds = await runConcurrently(MEASURED, (i) => submit(i, true));
    const wcu = meter.take();
    if (engine.started.size !== WARMUP + MEASURED)
      throw new Error(`expected ${WARMUP + MEASURED} executions, got ${engine.started.size}`);
    const wcuByTarget = Object.fromEntries(
      Object.entries(wcu.byTarget).map(([target, units]) => [target, round(units / MEASURED, 2)]),
    );
    return { perSecond: MEASURED / seconds, latenciesMs, wcuPerSubmission: wcu.write / MEASURED, wcuByTarget };
  } finally {
    await server.close();
    plain.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Sustained submissions per second through the API against raw TransactWriteItems of the same items,
 * on the same DynamoDB Local in the same run, alternating on fresh tables; p99 latency of the API; and
 * the write capacity one submission consumes, as DynamoDB Local reports it.
 */
export const apiSubmitBenchmark: Benchmark = {
  name: 'api.submit',
  async run(context) {
    const raw: number[] = [];
    const api: number[] = [];
    const latencies: number[] = [];
    const wcu: number[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      raw.push((await rawRound(context, `r${r}`)).perSecond);
      const result = await apiRound(context, `r${r}`);
      api.push(result.perSecond);
      latencies.push(...result.latenciesMs);
      wcu.push(result.wcuPerSubmission);
      context.log(
        `round ${r + 1}: raw ${raw[r]?.toFixed(1)}/s, API ${result.perSecond.toFixed(1)}/s, ${result.wcuPerSubmission.toFixed(2)} WCU per submission (${JSON.stringify(result.wcuByTarget)})`,
      );
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    latencies.sort((a, b) => a - b);
    return {
      'api.submit_per_s': { value: round(mean(api), 1), unit: 'submissions/s' },
      'api.submit_p99_ms': { value: round(percentile(latencies, 99), 1), unit: 'ms' },
      'api.submit_ratio_vs_raw': { value: round(mean(api) / mean(raw), 2), unit: 'ratio' },
      'ddb.wcu_per_submission': { value: round(mean(wcu), 2), unit: 'WCU' },
    };
  },
};

const run = promisify(execFile);

/** Resident memory of a process and all its descendants, in MB (ps works on Linux and macOS). */
async function treeRssMb(
  rootPid: number,
): Promise<{ total: number; parts: { pid: number; command: string; mb: number }[] }> {
  const { stdout } = await run('ps', ['-A', '-o', 'pid=,ppid=,rss=,comm=']);
  const rows = stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, rss, ...command]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      kb: Number(rss),
      command: command.join(' '),
    }));
  const inTree = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) {
      if (!inTree.has(row.pid) && inTree.has(row.ppid)) {
        inTree.add(row.pid);
        grew = true;
      }
    }
  }
  const parts = rows.filter((r) => inTree.has(r.pid)).map((r) => ({ pid: r.pid, command: r.command, mb: r.kb / 1024 }));
  return { total: parts.reduce((sum, p) => sum + p.mb, 0), parts };
}

/**
 * The whole local stack as `npm start` runs it (tsx, Node, DynamoDB Local's JVM, the local SES, the
 * engine, the API), started on a fresh data folder with its demo cases, measured once it is idle.
 */
export const localRssBenchmark: Benchmark = {
  name: 'local.rss_mb',
  async run(context) {
    const root = path.resolve(__dirname, '..');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-bench-stack-'));
    const [port, mailPort] = [await freePort(), await freePort()];
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['scripts/start.ts'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), MAIL_PORT: String(mailPort) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const deadline = Date.now() + 90_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the local stack exited: ${stderr.slice(-500)}`);
        const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (healthy) break;
        if (Date.now() > deadline) throw new Error('the local stack did not become healthy in 90 s');
        await new Promise((r) => setTimeout(r, 500));
      }
      // Idle: the demo cases' workflows wait on their deadlines, the sweep runs every 2 s.
      await new Promise((r) => setTimeout(r, 10_000));
      const samples: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const { total, parts } = await treeRssMb(child.pid as number);
        samples.push(total);
        if (i === 0) context.log(parts.map((p) => `${p.command} ${p.mb.toFixed(0)} MB`).join(', '));
        await new Promise((r) => setTimeout(r, 1_000));
      }
      return { 'local.rss_mb': { value: round(Math.max(...samples), 0), unit: 'MB' } };
    } finally {
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
