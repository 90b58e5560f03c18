/**
 * Lookups keyed by what people type (a sub-district, a community, a group, a spreadsheet word): only the
 * record's own entries count, so `constructor`, `__proto__` or `toString` are names like any other and
 * never find what every object inherits.
 */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** An empty record without a prototype, for records filled with keys taken from input. */
export function emptyRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
