import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RectifyApi } from '../cli/api-client';
import { importRows } from '#domain/survey-import';
import type { SurveyRow } from '#domain/survey-file';
import { readSurvey } from '#domain/survey-file';
import { bindRoutes } from '#api/operations/index';
import {
  IDEMPOTENCY_TTL_SECONDS,
  addressKeyOf,
  reportedCaseOf,
  requestHashOf,
  scopedIdempotencyKey,
} from '#app/case-intake';
import { newCaseId } from '#domain/case-history';
import { chinaCalendar } from '#domain/china-calendar';
import { systemClock } from '#domain/clock';
import { resolvePolicy } from '#domain/policy';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { startApiServer } from '#local/api-server';
import { localAuth } from '#local/local-auth';
import { CaseStore } from '#store/case-store';
import { keys } from '#store/table';
import type { Benchmark, BenchContext } from './harness';
import { batchWriteAll, round, unusedObjectStore, unusedDigests } from './harness';
import { mapLimited } from '#shared/concurrency';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CountingEngine } from './counting-engine';

const ROWS = 400;
const CONCURRENCY = 8;

/** A survey file of `count` distinct rows in the seed community, as the CLI reads it. */
async function surveyRows(count: number, label: string): Promise<SurveyRow[]> {
  const header = '街道,社区,地址,类别,严重程度,情况描述,面积(㎡),层数,结构,当事人,联系电话,上报人,发现日期';
  const lines = Array.from(
    { length: count },
    (_, i) =>
      `小龙坎街道,解放坡社区,${label}石小路${i}号,居民自建,一般,普查发现的阳台外扩,${6 + (i % 20)},1,彩钢板,住户${i},13800138000,陈普查,2026-11-20`,
  );
  const parsed = await readSurvey(Buffer.from([header, ...lines].join('\n')), new Date());
  if (parsed.errors.length) throw new Error(`survey rows invalid: ${JSON.stringify(parsed.errors[0])}`);
  return parsed.rows;
}

/** The four items an import stores for each row, in row order. */
function itemsOf(rows: SurveyRow[]): Record<string, unknown>[] {
  return rows.flatMap((row) => {
    const at = new Date();
    const id = newCaseId(shanghaiDateOf(at), randomBytes(6));
    const { record, event } = reportedCaseOf({
      id,
      at,
      actor: { sub: 'bench-importer', role: 'reporter' },
      submission: row.submission,
      possibleDuplicates: [],
    });
    return [
      {
        ...keys.case(id),
        ...keys.statusIndex(record.status, record.dueAt, id),
        ...keys.areaIndex(record.location.subdistrict, record.reportedAt, id),
        entity: 'case',
        ...record,
      },
      { ...keys.event(id, 1), entity: 'event', ...event },
      {
        ...keys.idempotency(scopedIdempotencyKey('bench-importer', row.idempotencyKey)),
        entity: 'idempotency',
        requestHash: requestHashOf(row.submission),
        caseId: id,
        createdAt: at.toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
      },
      { ...keys.addressCases(addressKeyOf(row.submission.location)), entity: 'address-cases', count: 1, caseIds: [id] },
    ];
  });
}

/** The items an import of `rows` stores, written with BatchWriteItem (25 a call, CONCURRENCY calls in flight). */
async function rawBatchRound(context: BenchContext, rows: SurveyRow[]): Promise<number> {
  const { doc, tableName } = await context.freshTable('import-raw');
  const items = itemsOf(rows);
  const started = performance.now();
  await batchWriteAll(doc, tableName, items, CONCURRENCY);
  return rows.length / ((performance.now() - started) / 1000);
}

/**
 * The same items as TransactWriteItems of 25 cases (100 items) each, CONCURRENCY in flight: the floor
 * of any import that stores each case with its first event in one transaction, as Rectify does.
 */
async function rawTransactionRound(context: BenchContext, rows: SurveyRow[]): Promise<number> {
  const { doc, tableName } = await context.freshTable('import-raw-tx');
  const items = itemsOf(rows);
  const transactions = Array.from({ length: Math.ceil(items.length / 100) }, (_, i) =>
    items.slice(i * 100, (i + 1) * 100),
  );
  const started = performance.now();
  await mapLimited(transactions, CONCURRENCY, async (transaction) => {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: transaction.map((Item) => ({
          Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' },
        })),
      }),
    );
  });
  return rows.length / ((performance.now() - started) / 1000);
}

/** `rectify import` of the same rows through the local API server over HTTP. */
async function importRound(context: BenchContext, rows: SurveyRow[]): Promise<number> {
  const { doc, tableName } = await context.freshTable('import-api');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-bench-import-'));
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
  try {
    const api = new RectifyApi(server.url, await auth.issue({ role: 'reporter', sub: 'bench-importer' }));
    await importRows(api, await surveyRows(40, 'warm'), { concurrency: CONCURRENCY });
    const started = performance.now();
    const outcome = await importRows(api, rows, { concurrency: CONCURRENCY });
    const perSecond = rows.length / ((performance.now() - started) / 1000);
    if (outcome.created.length !== rows.length)
      throw new Error(
        `import created ${outcome.created.length} of ${rows.length}: ${JSON.stringify(outcome.failed[0])}`,
      );
    return perSecond;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Survey import throughput against two floors on the same DynamoDB Local in one run: writing the same
 * items with BatchWriteItem, and writing them with TransactWriteItems of 25 cases each. The import pays
 * for what the floors skip: HTTP, token check, validation, and the workflow starts; it stores each
 * batch's cases in one transaction, because a case and its first event are written together or not at
 * all — which is why the transaction floor, not BatchWriteItem's, is the one it can reach.
 */
export const importBenchmark: Benchmark = {
  name: 'import.ratio_vs_raw_batch',
  async run(context) {
    const rows = await surveyRows(ROWS, 'bench');
    // Warm the JVM for every side: batch writes, transactions (the import warms its own path).
    await rawBatchRound(context, await surveyRows(40, 'warm'));
    await rawTransactionRound(context, await surveyRows(100, 'warm-tx'));
    const raw = await rawBatchRound(context, rows);
    const rawTransactions = await rawTransactionRound(context, rows);
    const imported = await importRound(context, rows);
    context.log(
      `raw BatchWriteItem ${raw.toFixed(1)} rows/s, raw TransactWriteItems ${rawTransactions.toFixed(1)} rows/s, rectify import ${imported.toFixed(1)} rows/s (${ROWS} rows, ${CONCURRENCY} requests in flight)`,
    );
    return {
      'import.rows_per_s': { value: round(imported, 1), unit: 'rows/s' },
      'import.raw_batch_rows_per_s': { value: round(raw, 1), unit: 'rows/s' },
      'import.ratio_vs_raw_batch': { value: round(imported / raw, 2), unit: 'ratio' },
      'import.raw_transaction_rows_per_s': { value: round(rawTransactions, 1), unit: 'rows/s' },
      'import.ratio_vs_raw_transactions': { value: round(imported / rawTransactions, 2), unit: 'ratio' },
    };
  },
};
