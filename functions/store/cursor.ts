import * as z from 'zod';
import { InvalidCursorError } from './errors';

const keySchema = z
  .record(z.string().max(64), z.string().min(1).max(2048))
  .refine((k) => Object.keys(k).length <= 6, 'too many keys');

/**
 * What a page's key must look like to continue a query: exactly these attributes, and the partition
 * attributes holding the values of the partition the query reads. A key from another partition or index
 * is refused here rather than by DynamoDB (a 500).
 */
export interface CursorShape {
  attributes: readonly string[];
  partition: Readonly<Record<string, string>>;
}

/** Store cursors: the DynamoDB LastEvaluatedKey, base64url-encoded and checked on the way back in. */
export function encodeCursor(lastEvaluatedKey: Record<string, unknown> | undefined): string | undefined {
  if (!lastEvaluatedKey) return undefined;
  return Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, shape: CursorShape): Record<string, string> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not valid');
  }
  const result = keySchema.safeParse(parsed);
  if (!result.success) throw new InvalidCursorError('cursor is not valid');
  const key = result.data;
  const names = Object.keys(key);
  const complete =
    names.length === shape.attributes.length && shape.attributes.every((name) => Object.hasOwn(key, name));
  const samePartition = Object.entries(shape.partition).every(([name, value]) => key[name] === value);
  if (!complete || !samePartition) throw new InvalidCursorError('cursor is not valid');
  return key;
}

/**
 * Runs a query that may continue from a client's cursor. A key of the right partition may still fall
 * outside the query's bounds (another sort-key range or prefix); DynamoDB refuses it as a validation
 * error, which is the client's cursor at fault, not the service.
 */
export async function fromCursor<T>(cursor: string | undefined, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (cursor && (error as { name?: string } | null)?.name === 'ValidationException')
      throw new InvalidCursorError('cursor is not valid for this query');
    throw error;
  }
}
