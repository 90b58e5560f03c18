import type { SecondaryIndex } from './deployed-stack';

/** DynamoDB adds this much to every stored item (table and index) for indexing. */
const ITEM_OVERHEAD_BYTES = 100;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A number's size: about one byte per two significant digits, plus one. */
function numberSize(value: number): number {
  const digits = String(Math.abs(value)).replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** The size of one attribute value as DynamoDB counts it (lists and maps: 3 bytes plus 1 per element). */
function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...(value as Set<unknown>)].reduce<number>((sum, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object')
    return (
      3 + Object.entries(value as Record<string, unknown>).reduce((sum, [k, v]) => sum + 1 + utf8(k) + valueSize(v), 0)
    );
  throw new Error(`no DynamoDB size for a ${typeof value}`);
}

/** An item's attribute names and values, as DynamoDB sizes them. */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/**
 * What storing the item costs in bytes: the item plus the overhead, and for each index the item appears in
 * (it has the index's partition key) its projection — table keys, index keys and projected attributes — plus
 * the overhead again.
 */
export function storedBytes(
  item: Record<string, unknown>,
  indexes: readonly SecondaryIndex[],
  tableKeys: readonly string[] = ['PK', 'SK'],
): number {
  let bytes = itemBytes(item) + ITEM_OVERHEAD_BYTES;
  for (const index of indexes) {
    if (!(index.keys[0] && index.keys[0] in item)) continue;
    const names = index.projected
      ? new Set([...tableKeys, ...index.keys, ...index.projected])
      : new Set(Object.keys(item));
    const projection = Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
    bytes += itemBytes(projection) + ITEM_OVERHEAD_BYTES;
  }
  return bytes;
}
