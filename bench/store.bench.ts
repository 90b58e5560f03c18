import { applyEvent } from '#domain/case-history';
import { CaseStore } from '#store/case-store';
import { reportedCase } from '#test/fixtures/cases';
import type { Benchmark } from './harness';
import { round } from './harness';

/** Sequential appends to one case: each is a version-guarded transaction of the case item and an event. */
export const storeAppendBenchmark: Benchmark = {
  name: 'store.append_events_per_s',
  async run(context) {
    const { doc, tableName } = await context.freshTable('append');
    const store = new CaseStore(doc, tableName);
    const opened = reportedCase();
    await store.intake.createCase(opened.record, opened.event);
    let record = opened.record;
    const append = async () => {
      const { next, event } = applyEvent(
        record,
        { type: 'REMINDER_SENT', actor: { sub: 'bench', role: 'system' }, at: new Date(), data: {} },
        record.status,
      );
      await store.commit(record, next, event);
      record = next;
    };
    for (let i = 0; i < 50; i += 1) await append(); // warm the JVM
    const count = 500;
    const started = performance.now();
    for (let i = 0; i < count; i += 1) await append();
    const seconds = (performance.now() - started) / 1000;
    context.log(`${count} appends in ${seconds.toFixed(2)} s`);
    return { 'store.append_events_per_s': { value: round(count / seconds, 1), unit: 'events/s' } };
  },
};
