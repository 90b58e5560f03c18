import * as z from 'zod';
import { InvalidCursorError } from './errors';

const keySchema = z.record(z.string().max(64), z.string().max(2048)).refine((k) => Object.keys(k).length <= 6, 'too many keys');

/** Opaque cursors: the DynamoDB LastEvaluatedKey, base64url-encoded and validated on the way back in. */
export function encodeCursor(lastEvaluatedKey: Record<string, unknown> | undefined): string | undefined {
  if (!lastEvaluatedKey) return undefined;
  return Buffer.from(JSON.stringify(lastEvaluatedKey), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, allowedKeys: readonly string[]): Record<string, string> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not valid');
  }
  const result = keySchema.safeParse(parsed);
  if (!result.success || !Object.keys(result.data).every((k) => allowedKeys.includes(k))) {
    throw new InvalidCursorError('cursor is not valid');
  }
  return result.data;
}
