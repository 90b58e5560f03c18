import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { itemBytes } from './item-size';

type Item = Record<string, unknown>;
/** Reads an item as it is now, outside the meter (consistent read). */
export type ReadItem = (tableName: string, key: Item) => Promise<Item | undefined>;

interface Consumed {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

interface TransactAction {
  Put?: { TableName: string; Item: Item; ConditionExpression?: string };
  Update?: { TableName: string; Key: Item };
  Delete?: { TableName: string; Key: Item };
  ConditionCheck?: { TableName: string; Key: Item };
}

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);
const KB = 1024;
/** The condition every create in the store writes with: the item did not exist, so there is no old image. */
const NEW_ITEM = 'attribute_not_exists(PK)';

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));

function keyOf(action: TransactAction): { tableName: string; key: Item } {
  const target = action.Put ?? action.Update ?? action.Delete ?? action.ConditionCheck;
  if (!target) throw new Error(`a transaction action of no known kind: ${Object.keys(action).join(', ')}`);
  const key = 'Item' in target ? { PK: target.Item.PK, SK: target.Item.SK } : target.Key;
  return { tableName: target.TableName, key };
}

/**
 * What DynamoDB bills a TransactWriteItems for its items in the table: each item twice (prepare and
 * commit), 1 unit per KB of the larger of its old and new image, rounded up per item
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html, "Capacity
 * management for transactions"). DynamoDB Local 3.x reports 2 units for the table whatever the number of
 * items (awslabs/amazon-dynamodb-local-samples#31), so the benches count the table's share themselves.
 */
export function transactionTableUnits(
  actions: readonly TransactAction[],
  before: readonly (Item | undefined)[],
  after: readonly (Item | undefined)[],
): number {
  return actions.reduce((sum, action, i) => {
    const old = before[i] ? itemBytes(before[i]) : 0;
    const next = action.Put ? itemBytes(action.Put.Item) : after[i] ? itemBytes(after[i]) : 0;
    return sum + 2 * writeUnits(Math.max(old, next));
  }, 0);
}

/**
 * Adds up the capacity a client's requests consume as on-demand DynamoDB bills it: what DynamoDB Local
 * reports (ReturnConsumedCapacity INDEXES: the table's share and each index's), except a transaction's
 * table share, counted from its items (`transactionTableUnits`). Index writes are DynamoDB Local's: a
 * keys-only index written only when its key changes, a change of key a delete and a put, an index write
 * in a transaction counted twice like the item's.
 */
export function meterCapacity(client: DynamoDBClient, readItem: ReadItem) {
  const units = { read: 0, write: 0 };
  const byCommand = new Map<string, number>();
  const byTarget = new Map<string, number>();
  const add = (map: Map<string, number>, name: string, value: number) => map.set(name, (map.get(name) ?? 0) + value);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '?';
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'INDEXES';
      const actions = command === 'TransactWriteItemsCommand' ? (input.TransactItems as TransactAction[]) : [];
      const imageOf = (action: TransactAction) => {
        const { tableName, key } = keyOf(action);
        return readItem(tableName, key);
      };
      const before = await Promise.all(
        actions.map((action) =>
          action.Put?.ConditionExpression === NEW_ITEM ? Promise.resolve(undefined) : imageOf(action),
        ),
      );
      const result = await next(args);
      const after = await Promise.all(
        actions.map((action) => (action.Update ? imageOf(action) : Promise.resolve(undefined))),
      );
      const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
      const shares = new Map<string, number>();
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        for (const [index, share] of Object.entries(entry.GlobalSecondaryIndexes ?? {}))
          add(shares, index, share.CapacityUnits ?? 0);
        // Without a per-target breakdown (a read of the table alone), the whole is the table's.
        const indexUnits = Object.values(entry.GlobalSecondaryIndexes ?? {}).reduce(
          (sum, share) => sum + (share.CapacityUnits ?? 0),
          0,
        );
        if (!actions.length)
          add(shares, 'table', entry.Table?.CapacityUnits ?? (entry.CapacityUnits ?? 0) - indexUnits);
      }
      if (actions.length) add(shares, 'table', transactionTableUnits(actions, before, after));
      const total = [...shares.values()].reduce((sum, value) => sum + value, 0);
      add(byCommand, command, total);
      if (WRITE_COMMANDS.has(command)) {
        units.write += total;
        for (const [target, value] of shares) add(byTarget, target, value);
      } else units.read += total;
      return result;
    },
    { step: 'initialize', name: 'meterBilledCapacity' },
  );
  return {
    take() {
      const taken = { ...units, byCommand: Object.fromEntries(byCommand), byTarget: Object.fromEntries(byTarget) };
      units.read = 0;
      units.write = 0;
      byCommand.clear();
      byTarget.clear();
      return taken;
    },
  };
}
