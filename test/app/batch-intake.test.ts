import { randomUUID } from 'node:crypto';
import { manualClock } from '#domain/clock';
import type { CaseSubmission } from '#domain/schemas';
import type { BatchItemOutcome } from '#app/case-intake';
import { makeCaseIntake } from '#app/case-intake';
import { IdempotencyMismatchError, RequestInFlightError } from '#app/errors';
import { RecordingEngine } from '../api/support/recording-engine';
import { seedSubmission } from '../fixtures/submissions';
import { freshTable } from '../support/table';

let table: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  table = await freshTable('batch-intake');
});
afterAll(async () => {
  await table?.drop();
});

const actor = { sub: 'reporter-survey', role: 'reporter' } as const;
const at = (address: string, community = '解放坡社区'): CaseSubmission =>
  seedSubmission({ location: { subdistrict: '小龙坎街道', community, address } });
const tag = () => randomUUID().slice(0, 8);

function setUp() {
  const engine = new RecordingEngine();
  const intake = makeCaseIntake({
    store: table.store,
    engine,
    clock: manualClock(new Date('2026-11-27T02:00:00Z')),
  });
  return { engine, intake };
}

function created(outcomes: BatchItemOutcome[]) {
  return outcomes.map((o) =>
    'result' in o
      ? {
          key: o.idempotencyKey,
          id: o.result.body.id,
          replayed: o.result.replayed,
          duplicates: o.result.body.possibleDuplicates,
        }
      : { key: o.idempotencyKey, error: String(o.error) },
  );
}

describe('a batch of submissions (a survey)', () => {
  it('stores every new row, starts each intake once, and answers each row as a lone submission would', async () => {
    const { engine, intake } = setUp();
    const t = tag();
    const items = Array.from({ length: 25 }, (_, i) => ({
      idempotencyKey: `${t}-${i}`,
      submission: at(`${t} 石小路${i}号`),
    }));
    const first = created(await intake.submitBatch(actor, items));
    expect(first.map((r) => ('id' in r ? r.replayed : r.error))).toEqual(items.map(() => false));
    const ids = first.map((r) => ('id' in r ? String(r.id) : ''));
    expect(new Set(ids).size).toBe(25);
    expect(engine.executions.sort()).toEqual(ids.map((id) => `${id}--intake--1`).sort());
    for (const id of ids.slice(0, 3))
      expect((await table.store.history(id)).items.map((e) => e.type)).toEqual(['CASE_REPORTED']);

    // The same rows again: every row answers with its case, nothing new is stored or started.
    const again = created(await intake.submitBatch(actor, items));
    expect(again).toEqual(first.map((r) => ({ ...r, replayed: true })));
    expect(engine.executions).toHaveLength(25);
  });

  it('makes one case per row when the same batch is sent three times at once', async () => {
    const { engine, intake } = setUp();
    const t = tag();
    const items = Array.from({ length: 10 }, (_, i) => ({
      idempotencyKey: `${t}-${i}`,
      submission: at(`${t} 石小路${i}号`),
    }));
    const answers = await Promise.all([1, 2, 3].map(() => intake.submitBatch(actor, items)));
    const idsByKey = new Map<string, Set<string>>();
    const refusals: unknown[] = [];
    for (const outcome of answers.flat()) {
      if ('result' in outcome)
        idsByKey.set(
          outcome.idempotencyKey,
          (idsByKey.get(outcome.idempotencyKey) ?? new Set()).add(outcome.result.body.id),
        );
      else refusals.push(outcome.error);
    }
    // The only refusal a racing copy may get: the first request with that key is still in flight.
    expect(refusals.filter((error) => !(error instanceof RequestInFlightError))).toEqual([]);
    expect([...idsByKey.values()].map((ids) => ids.size)).toEqual(items.map(() => 1));
    const ids = [...idsByKey.values()].map((set) => [...set][0]);
    expect(engine.executions.filter((name) => ids.some((id) => name.startsWith(`${id}--`))).sort()).toEqual(
      ids.map((id) => `${id}--intake--1`).sort(),
    );
    const stored: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await table.store.listByArea('小龙坎街道', { limit: 100, cursor });
      stored.push(...page.items.filter((c) => c.location.address.startsWith(t)).map((c) => c.id));
      cursor = page.cursor;
    } while (cursor);
    expect(stored.sort()).toEqual([...ids].sort());
  });

  it('answers a row whose key was used for another submission with its own error, and stores the others', async () => {
    const { intake } = setUp();
    const t = tag();
    await intake.submit({ actor, idempotencyKey: `${t}-used`, submission: at(`${t} 石小路1号`) });
    const outcomes = await intake.submitBatch(actor, [
      { idempotencyKey: `${t}-new`, submission: at(`${t} 石小路2号`) },
      { idempotencyKey: `${t}-used`, submission: at(`${t} 石小路3号`) },
      { idempotencyKey: `${t}-other`, submission: at(`${t} 石小路4号`) },
    ]);
    expect(
      outcomes.map((o) =>
        'result' in o ? o.result.statusCode : o.error instanceof IdempotencyMismatchError ? 422 : String(o.error),
      ),
    ).toEqual([201, 422, 201]);
  });

  it('lists possible duplicates at an address already reported, and between rows at one address', async () => {
    const { intake } = setUp();
    const t = tag();
    const earlier = await intake.submit({ actor, idempotencyKey: `${t}-earlier`, submission: at(`${t} 隆庆楼1号`) });
    const rows = created(
      await intake.submitBatch(actor, [
        { idempotencyKey: `${t}-a`, submission: at(`${t} 隆庆楼1号`) },
        { idempotencyKey: `${t}-b`, submission: at(`${t} 隆庆楼2号`) },
        { idempotencyKey: `${t}-c`, submission: at(`${t}  隆庆楼２号`) },
      ]),
    );
    expect(rows.map((r) => ('duplicates' in r ? r.duplicates : r.error))).toEqual([
      [earlier.body.id],
      [],
      ['id' in rows[1]! ? rows[1].id : ''],
    ]);
  });
});
