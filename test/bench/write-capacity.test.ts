import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { applyEvent } from '#domain/case-history';
import type { CaseRecord } from '#domain/schemas';
import { dynamoDbClient, documentClient } from '#shared/aws-clients';
import { caseItem, eventItem } from '#store/case-items';
import { reportedCase } from '#test/fixtures/cases';
import { freshTable } from '#test/support/table';
import { itemBytes } from '../../bench/item-size';
import { meterCapacity, transactionTableUnits } from '../../bench/write-units';

/**
 * The write-capacity figures (`ddb.wcu_per_submission`, the cost's `dynamodb.writes`) count what
 * on-demand DynamoDB bills: the table's writes — a transaction's items twice — and every index's.
 */
describe('a transaction’s table writes as DynamoDB bills them', () => {
  const put = (bytes: number) => ({ Put: { TableName: 't', Item: { PK: 'p', SK: 's', pad: 'x'.repeat(bytes - 8) } } });

  it('bills each item twice, a unit per KB of the larger of its old and new image, rounded up per item', () => {
    expect(transactionTableUnits([put(500), put(1500)], [undefined, undefined], [])).toBe(2 * 1 + 2 * 2);
    const key = { TableName: 't', Key: { PK: 'p', SK: 's' } };
    const big = { PK: 'p', SK: 's', pad: 'x'.repeat(3000) };
    const small = { PK: 'p', SK: 's' };
    // An update that shrinks an item of 3 KB is billed for 3 KB; a delete for what it deleted.
    expect(transactionTableUnits([{ Update: key }], [big], [small])).toBe(2 * 3);
    expect(transactionTableUnits([{ Delete: key }], [small], [undefined])).toBe(2);
    expect(transactionTableUnits([put(500)], [big], [])).toBe(2 * 3);
  });
});

describe('write capacity as the benches count it, on DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  const plain = dynamoDbClient();
  const plainDoc = documentClient(plain);
  let meter: ReturnType<typeof meterCapacity>;
  beforeAll(async () => {
    table = await freshTable('write-capacity');
    meter = meterCapacity(table.client, async (TableName, Key) => {
      const answer = await plainDoc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
      return answer.Item;
    });
  });
  afterAll(async () => {
    plain.destroy();
    await table.drop();
  });

  const change = async (record: CaseRecord, at: Date) => {
    const { next, event } = applyEvent(
      record,
      { type: 'REMINDER_SENT', actor: { sub: 'system', role: 'system' }, at, data: {} },
      record.status,
    );
    meter.take();
    await table.store.commit(record, next, event);
    return { next, event, units: meter.take() };
  };

  it('counts a transaction’s items twice and every index it writes, the day index only when the day moves', async () => {
    const opened = reportedCase(new Date('2026-11-25T02:00:00Z'));
    meter.take();
    await table.store.intake.createCase(opened.record, opened.event);
    const created = meter.take();
    const sameDay = await change(opened.record, new Date('2026-11-25T03:00:00Z'));
    const nextDay = await change(sameDay.next, new Date('2026-11-26T03:00:00Z'));

    const units = (item: Record<string, unknown>) => Math.max(1, Math.ceil(itemBytes(item) / 1024));
    const indexUnits = (byTarget: Record<string, number>) =>
      Object.entries(byTarget).reduce((sum, [target, value]) => sum + (target === 'table' ? 0 : value), 0);
    // Creating a case: one transaction (case and first event) and the area's registration (a plain put).
    expect(created.byCommand.TransactWriteItemsCommand).toBe(
      2 * units(caseItem(opened.record)) + 2 * units(eventItem(opened.event)) + indexUnits(created.byTarget),
    );
    // The case item is replaced: billed for the larger of its old and new image.
    expect(sameDay.units.byTarget.table).toBe(
      2 * Math.max(units(caseItem(opened.record)), units(caseItem(sameDay.next))) + 2 * units(eventItem(sameDay.event)),
    );
    for (const taken of [created, sameDay.units, nextDay.units])
      expect(taken.write).toBe(Object.values(taken.byTarget).reduce((sum, value) => sum + value, 0));
    // Index entries are written in the transaction too: twice each.
    expect(created.byTarget.byHeadChangedDay).toBe(2);
    expect(sameDay.units.byTarget.byHeadChangedDay ?? 0).toBe(0);
    // The entry moves to the new day's partition: a delete and a put.
    expect(nextDay.units.byTarget.byHeadChangedDay).toBe(4);
    expect(sameDay.units.byTarget.byStatusDue).toBeGreaterThan(0);
  });
});
