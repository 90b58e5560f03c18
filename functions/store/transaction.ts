import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * One write of a transaction, named: when DynamoDB cancels the transaction it gives a reason per write by
 * position, and a name is what the code that decides what the refusal means reads instead.
 */
export interface LabelledWrite {
  label: string;
  write: TransactItem;
}

/** The transaction of these writes, in order; labels must be unique within it. */
export function transactionOf(writes: readonly LabelledWrite[]): TransactWriteCommand {
  const labels = new Set(writes.map((w) => w.label));
  if (labels.size !== writes.length) throw new RangeError('each write of a transaction needs a label of its own');
  return new TransactWriteCommand({ TransactItems: writes.map((w) => w.write) });
}

/**
 * When `error` is DynamoDB cancelling the transaction of `writes`: each write's reason code by label
 * (`None` for the writes that did not cause it). Otherwise undefined.
 */
export function cancellationReasons(
  error: unknown,
  writes: readonly LabelledWrite[],
): ReadonlyMap<string, string> | undefined {
  const cancelled =
    error instanceof TransactionCanceledException ||
    (error as { name?: string } | null)?.name === 'TransactionCanceledException';
  if (!cancelled) return undefined;
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  return new Map(writes.map((w, i) => [w.label, reasons[i]?.Code ?? 'None']));
}
