import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { applyEvent } from '#domain/case-history';
import { verifyChain } from '#domain/chain';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import { keys } from '#store/table';
import { IdempotencyKeyTakenError, InvalidCursorError, VersionConflictError } from '#store/errors';
import { ScanForbiddenError } from '#shared/aws-clients';
import { reportedCase } from '../fixtures/cases';
import { freshTable } from '../support/table';

let table: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  table = await freshTable('store');
});
afterAll(async () => {
  await table.drop();
});

const system = { sub: 'workflow', role: 'system' as const };

async function storedCase(): Promise<CaseRecord> {
  const { record, event } = reportedCase();
  await table.store.intake.createCase(record, event);
  return record;
}

function reminder(record: CaseRecord, n: number) {
  return applyEvent(
    record,
    { type: 'REMINDER_SENT', actor: system, at: new Date(Date.parse(record.updatedAt) + 1000), data: { n } },
    record.status,
  );
}

async function allEvents(id: string): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  for await (const e of table.store.allEvents(id, 7)) events.push(e);
  return events;
}

describe('the case store on DynamoDB Local', () => {
  it('creates a case with its first event and idempotency record in one transaction', async () => {
    const { record, event } = reportedCase();
    const idem = {
      key: 'k-create',
      requestHash: 'h',
      caseId: record.id,
      createdAt: record.reportedAt,
      expiresAt: 2_000_000_000,
    };
    await table.store.intake.createCase(record, event, idem);
    expect(await table.store.getCase(record.id)).toEqual(record);
    expect((await table.store.history(record.id)).items).toEqual([event]);
    expect(await table.store.intake.getIdempotency('k-create')).toEqual(idem);

    const other = reportedCase();
    await expect(
      table.store.intake.createCase(other.record, other.event, { ...idem, caseId: other.record.id }),
    ).rejects.toBeInstanceOf(IdempotencyKeyTakenError);
    expect(await table.store.getCase(other.record.id)).toBeUndefined();
    expect((await table.store.history(other.record.id)).items).toEqual([]);
  });

  it('appends an event and the next case state together', async () => {
    const record = await storedCase();
    const { next, event } = reminder(record, 1);
    await table.store.commit(record, next, event);
    expect(await table.store.getCase(record.id)).toEqual(next);
    expect(verifyChain(await allEvents(record.id), next)).toMatchObject({ ok: true, count: 2 });
  });

  it('refuses a stale version as a conflict and leaves nothing behind', async () => {
    const record = await storedCase();
    const first = reminder(record, 1);
    await table.store.commit(record, first.next, first.event);
    const stale = reminder(record, 2); // built from version 1 again
    await expect(table.store.commit(record, stale.next, stale.event)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await table.store.getCase(record.id)).toEqual(first.next);
    const events = await allEvents(record.id);
    expect(events.map((e) => e.data)).toEqual([expect.anything(), { n: 1 }]);
  });

  it('leaves the case unchanged when the event write fails', async () => {
    const record = await storedCase();
    const { next, event } = reminder(record, 1);
    // Occupy the event's key so its conditional put fails inside the transaction.
    await table.doc.send(
      new PutCommand({ TableName: table.tableName, Item: { ...keys.event(record.id, event.seq), squatter: true } }),
    );
    await expect(table.store.commit(record, next, event)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await table.store.getCase(record.id)).toEqual(record);
  });

  it('lets exactly one of 50 concurrent appends at the same version win, and the chain still verifies', async () => {
    const record = await storedCase();
    const attempts = Array.from({ length: 50 }, (_, n) => reminder(record, n));
    const results = await Promise.allSettled(
      attempts.map(({ next, event }) => table.store.commit(record, next, event)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((r) => r.reason instanceof VersionConflictError)).toBe(true);
    const stored = await table.store.getCase(record.id);
    expect(stored?.version).toBe(2);
    expect(verifyChain(await allEvents(record.id), stored)).toMatchObject({ ok: true, count: 2 });
  });

  it('pages through a history returning every event once, in order', async () => {
    let record = await storedCase();
    for (let n = 1; n <= 22; n += 1) {
      const { next, event } = reminder(record, n);
      await table.store.commit(record, next, event);
      record = next;
    }
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await table.store.history(record.id, { limit: 5, cursor });
      seen.push(...page.items.map((e) => e.seq));
      cursor = page.cursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(pages).toBeGreaterThanOrEqual(5);
  });

  it('lists by status with the earliest deadline first and by area within a date range', async () => {
    const area = `测试街道-${Date.now()}`;
    const made: CaseRecord[] = [];
    for (const [i, due] of [
      '2026-12-05T15:59:59.999Z',
      '2026-12-01T15:59:59.999Z',
      '2026-12-03T15:59:59.999Z',
    ].entries()) {
      const { record, event } = reportedCase(new Date(Date.UTC(2026, 10, 20 + i, 2)));
      const placed = {
        ...record,
        location: { ...record.location, subdistrict: area, community: i === 1 ? '石小路社区' : '解放坡社区' },
      };
      const opened = { ...event, data: event.data };
      await table.store.intake.createCase(placed, opened);
      const { next, event: issued } = applyEvent(
        placed,
        { type: 'NOTICE_ISSUED', actor: system, at: new Date(Date.UTC(2026, 10, 26)), data: {} },
        'NOTICE_ISSUED',
        { dueAt: due },
      );
      await table.store.commit(placed, next, issued);
      made.push(next);
    }
    const noticed = await table.store.listByStatus('NOTICE_ISSUED', { dueBefore: '2026-12-04' });
    const ours = noticed.items.filter((c) => c.location.subdistrict === area);
    expect(ours.map((c) => c.dueAt)).toEqual(['2026-12-01T15:59:59.999Z', '2026-12-03T15:59:59.999Z']);

    const all = await table.store.listByArea(area);
    expect(all.items.map((c) => c.id)).toEqual(made.map((c) => c.id));
    const range = await table.store.listByArea(area, { from: '2026-11-21', to: '2026-11-22' });
    expect(range.items.map((c) => c.id)).toEqual([made[1]!.id]);
    const community = await table.store.listByArea(area, { community: '解放坡社区' });
    expect(community.items.map((c) => c.id)).toEqual([made[0]!.id, made[2]!.id]);
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(table.store.history('C-20261129-AAAAAA', { cursor: 'bm90LWpzb24' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    const forged = Buffer.from(
      JSON.stringify({ PK: 'IDEMP#x', SK: 'IDEMP', extra: 'x', GSI1PK: 'a', GSI1SK: 'b', GSI2PK: 'c', GSI2SK: 'd' }),
    ).toString('base64url');
    await expect(table.store.history('C-20261129-AAAAAA', { cursor: forged })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('takes a notice number in the same transaction as the notice event, refusing a taken number', async () => {
    const a = await storedCase();
    const b = await storedCase();
    const year = 2032;
    const counter = await table.store.noticeCounter(year);
    const issueA = applyEvent(
      a,
      { type: 'NOTICE_ISSUED', actor: system, at: new Date(), data: { number: counter + 1 } },
      'NOTICE_ISSUED',
    );
    const issueB = applyEvent(
      b,
      { type: 'NOTICE_ISSUED', actor: system, at: new Date(), data: { number: counter + 1 } },
      'NOTICE_ISSUED',
    );
    await table.store.commit(a, issueA.next, issueA.event, { noticeCounter: { year, expected: counter } });
    await expect(
      table.store.commit(b, issueB.next, issueB.event, { noticeCounter: { year, expected: counter } }),
    ).rejects.toBeInstanceOf(VersionConflictError);
    expect(await table.store.noticeCounter(year)).toBe(counter + 1);
    expect((await table.store.getCase(b.id))?.status).toBe('REPORTED');
  });

  it('lists flagged cases', async () => {
    const record = await storedCase();
    await table.store.flagForAttention(record.id, 'task failed', '2026-11-29T00:00:00.000Z');
    expect((await table.store.listFlagged()).items).toContainEqual({
      caseId: record.id,
      reason: 'task failed',
      at: '2026-11-29T00:00:00.000Z',
    });
    await table.store.clearAttention(record.id);
    expect((await table.store.listFlagged()).items.map((i) => i.caseId)).not.toContain(record.id);
  });

  it('registers the areas that have cases, once each', async () => {
    await storedCase();
    await storedCase();
    const areas = await table.store.listAreas();
    expect(areas.filter((a) => a.subdistrict === '小龙坎街道' && a.community === '解放坡社区')).toHaveLength(1);
  });

  it('refuses a Scan on every client the code builds', async () => {
    await expect(table.doc.send(new ScanCommand({ TableName: table.tableName }))).rejects.toBeInstanceOf(
      ScanForbiddenError,
    );
  });
});
