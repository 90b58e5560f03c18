import { randomBytes } from 'node:crypto';
import { applyEvent } from '#domain/case-history';
import { CaseStore } from '#store/case-store';
import { keys } from '#store/table';
import { reportedCase } from '#test/fixtures/cases';
import type { Benchmark } from './harness';
import { batchWriteAll, percentile, round } from './harness';

const HISTORY_EVENTS = 12;
const QUERIES = 400;

/** Writes `count` filler cases (case item + first event) with BatchWriteItem, 25 items a call, 4 calls in flight. */
async function fill(
  doc: ConstructorParameters<typeof CaseStore>[0],
  tableName: string,
  count: number,
  log: (m: string) => void,
): Promise<void> {
  const base = reportedCase();
  const items: Record<string, unknown>[] = [];
  let written = 0;
  const started = Date.now();
  for (let i = 0; i < count; i += 1) {
    const id = `C-20261101-${randomBytes(4)
      .toString('hex')
      .toUpperCase()
      .slice(0, 6)
      .replace(/[ILOU]/g, 'X')}${i}`;
    const record = { ...base.record, id, location: { ...base.record.location, address: `填充${i}号` } };
    items.push({
      ...keys.case(id),
      ...keys.statusIndex(record.status, record.dueAt, id),
      ...keys.areaIndex(record.location.subdistrict, record.reportedAt, id),
      entity: 'case',
      ...record,
    });
    items.push({ ...keys.event(id, 1), entity: 'event', ...base.event, caseId: id });
    if (items.length >= 100) {
      const chunk = items.splice(0, items.length);
      await batchWriteAll(doc, tableName, chunk, 4);
      written += chunk.length / 2;
      if (written % 20_000 === 0)
        log(`  ${written} cases written (${Math.round(written / ((Date.now() - started) / 1000))} cases/s)`);
    }
  }
  await batchWriteAll(doc, tableName, items, 4);
}

async function historyP50(store: CaseStore, caseId: string): Promise<number> {
  // Warm the JVM so the first measurement is not penalised for running first.
  for (let i = 0; i < 300; i += 1) await store.history(caseId, { limit: 100 });
  const samples: number[] = [];
  for (let i = 0; i < QUERIES; i += 1) {
    const started = performance.now();
    await store.history(caseId, { limit: 100 });
    samples.push(performance.now() - started);
  }
  return percentile(
    samples.sort((a, b) => a - b),
    50,
  );
}

/**
 * History queries must not slow down as the table grows: a case's history is one Query on its own
 * partition. Measures p50 latency of reading a 12-event history with 100 cases in the table and again
 * after filling it to 100,000, in one run on the same DynamoDB Local.
 */
export const historyScalingBenchmark: Benchmark = {
  name: 'history.ratio_100k_vs_100',
  async run(context) {
    const { doc, tableName } = await context.freshTable('history');
    const store = new CaseStore(doc, tableName);
    const opened = reportedCase();
    await store.intake.createCase(opened.record, opened.event);
    let record = opened.record;
    for (let i = 2; i <= HISTORY_EVENTS; i += 1) {
      const { next, event } = applyEvent(
        record,
        { type: 'REMINDER_SENT', actor: { sub: 'bench', role: 'system' }, at: new Date(), data: { i } },
        record.status,
      );
      await store.commit(record, next, event);
      record = next;
    }
    await fill(doc, tableName, 99, context.log);
    const small = await historyP50(store, record.id);
    context.log(`p50 with 100 cases: ${small.toFixed(3)} ms`);
    const filling = Date.now();
    await fill(doc, tableName, 99_900, context.log);
    context.log(`filled to 100,000 cases in ${((Date.now() - filling) / 1000).toFixed(0)} s`);
    const large = await historyP50(store, record.id);
    context.log(`p50 with 100,000 cases: ${large.toFixed(3)} ms`);
    return {
      'history.p50_ms_100': { value: round(small, 3), unit: 'ms' },
      'history.p50_ms_100k': { value: round(large, 3), unit: 'ms' },
      'history.ratio_100k_vs_100': { value: round(large / small, 3), unit: 'ratio' },
    };
  },
};
