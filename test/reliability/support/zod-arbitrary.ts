import fc from 'fast-check';
import * as z from 'zod';

/**
 * fast-check arbitraries derived from zod 4 schemas by walking their definitions (no maintained bridge
 * supports zod 4 and fast-check 4). `arbitraryOf` yields values of the schema's input shape within its
 * declared bounds — formats, lengths, ranges, enums, strict keys — though not always passing its custom
 * refinements; `hostileOf` yields those values bent by one hostile change each. Together they explore
 * what a route accepts and what it must refuse.
 */

interface Def {
  type: string;
  [key: string]: unknown;
}
/** A schema's declared bounds as zod publishes them: its input's JSON Schema. */
interface Bounds {
  type?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  allOf?: Bounds[];
}

function defOf(schema: z.ZodType): Def {
  return schema.def as unknown as Def;
}
function boundsOf(schema: z.ZodType): Bounds {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Bounds;
}

/** Longest string or array generated: bounds far larger than this are tested by the hostile values. */
const LENGTH_CAP = 40;
const ARRAY_CAP = 3;

const MIN_DATE = new Date('1900-01-01T00:00:00Z');
const MAX_DATE = new Date('2100-12-31T23:59:59Z');

const isoDateArbitrary = fc
  .date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const offsetArbitrary = fc.constantFrom('Z', '+08:00', '-05:00', '+14:00', '-12:00', '+00:00');
const isoDateTimeArbitrary = fc
  .tuple(fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }), offsetArbitrary, fc.boolean())
  .map(([d, offset, millis]) => {
    const iso = d.toISOString();
    return `${millis ? iso.slice(0, 23) : iso.slice(0, 19)}${offset}`;
  });

function stringArbitrary(schema: z.ZodType): fc.Arbitrary<string> {
  const bounds = boundsOf(schema);
  if (bounds.format === 'date') return isoDateArbitrary;
  if (bounds.format === 'date-time') return isoDateTimeArbitrary;
  if (bounds.format === 'email') return fc.emailAddress();
  const pattern = bounds.pattern ?? bounds.allOf?.find((part) => part.pattern)?.pattern;
  if (pattern) return fc.stringMatching(new RegExp(pattern)).filter((s) => s.length <= 200);
  const minLength = bounds.minLength ?? 0;
  const declaredMax = bounds.maxLength ?? Number.MAX_SAFE_INTEGER;
  const maxLength = Math.max(minLength, Math.min(declaredMax, LENGTH_CAP));
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength, maxLength }) },
    // Right at the declared limit, where off-by-one errors live.
    ...(Number.isFinite(declaredMax) && declaredMax <= 5_000
      ? [{ weight: 1, arbitrary: fc.constantFrom('违'.repeat(declaredMax), 'a'.repeat(declaredMax)) }]
      : []),
  );
}

function numberArbitrary(schema: z.ZodType): fc.Arbitrary<number> {
  const bounds = boundsOf(schema);
  const integer = bounds.type === 'integer';
  const minExcluded = bounds.exclusiveMinimum !== undefined;
  const maxExcluded = bounds.exclusiveMaximum !== undefined;
  // Unbounded (or only bounded by the safe integers) numbers are drawn within ±1e12.
  const min = Math.max(-1e12, bounds.exclusiveMinimum ?? bounds.minimum ?? -1e12);
  const max = Math.min(1e12, bounds.exclusiveMaximum ?? bounds.maximum ?? 1e12);
  if (integer)
    return fc.integer({ min: Math.ceil(minExcluded ? min + 1 : min), max: Math.floor(maxExcluded ? max - 1 : max) });
  return fc.oneof(
    fc.double({ min, max, minExcluded, maxExcluded, noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(...[min, max].filter((v, i) => !(i === 0 ? minExcluded : maxExcluded))),
  );
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** Values of the schema's input shape, within its declared bounds. */
export function arbitraryOf(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'number':
      return numberArbitrary(schema);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string | number>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'optional':
    case 'default':
    case 'prefault':
      return fc.option(arbitraryOf(def.innerType as z.ZodType), { nil: undefined, freq: 3 });
    case 'nullable':
      return fc.option(arbitraryOf(def.innerType as z.ZodType), { nil: null, freq: 3 });
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return arbitraryOf(def.innerType as z.ZodType);
    case 'pipe':
      // What a client sends is the pipe's input.
      return arbitraryOf(def.in as z.ZodType);
    case 'array': {
      const bounds = boundsOf(schema);
      const minLength = bounds.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(ARRAY_CAP, bounds.maxItems ?? ARRAY_CAP));
      return fc.array(arbitraryOf(def.element as z.ZodType), { minLength, maxLength });
    }
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      return fc
        .record(Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, arbitraryOf(value)])))
        .map(withoutUndefined);
    }
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map(arbitraryOf));
    case 'record':
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), arbitraryOf(def.valueType as z.ZodType), {
        maxKeys: 3,
      });
    case 'unknown':
    case 'any':
      return fc.jsonValue({ maxDepth: 2 });
    default:
      throw new Error(`no arbitrary for zod type "${def.type}"`);
  }
}

// -----------------------------------------------------------------------------------------------
// Hostile input
// -----------------------------------------------------------------------------------------------

/** Nested `depth` deep: arrays in arrays, or objects in objects. */
function deeplyNested(depth: number, kind: 'array' | 'object' = 'array'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** Values a hostile or broken client sends where something else belongs. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -0,
  -1,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  5e-324,
  '',
  ' ',
  '\u0000',
  '\u202e\u2066逆序\u2069',
  '\ud800',
  '😀'.repeat(300),
  '违'.repeat(70_000),
  '<script>alert(1)</script>',
  "'; DROP TABLE cases; --",
  '=HYPERLINK("http://x")',
  '{"$gt": ""}',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '+275760-09-13',
  '1969-12-31T23:59:59Z',
  '1900-01-01T00:00:00+14:00',
  '9999-12-31T23:59:59.999-12:00',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00Z',
  '2026-02-29',
  '2026-11-29T25:61:00Z',
  'C-20261129-0000000',
  [],
  {},
  [[[[[[[[[[]]]]]]]]]],
  deeplyNested(200, 'object'),
  { __proto__: { admin: true } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
];

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  '$where',
  'PK',
  'SK',
  'version',
  'status',
  'a'.repeat(300),
];

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value && typeof value === 'object')
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return [prefix];
}

/** A copy with `path` set to `replacement` (own data properties only: `__proto__` stays a plain key). */
function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Path];
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setAt(v, rest, replacement) : v));
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(copy, k, {
        value: k === head ? setAt(v, rest, replacement) : v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return copy;
  }
  return value;
}

function withKey(value: unknown, path: Path, key: string, added: unknown): unknown {
  const target = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
  if (!target || typeof target !== 'object' || Array.isArray(target)) return value;
  const extended: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(target)) extended[k] = v;
  Object.defineProperty(extended, key, { value: added, enumerable: true, writable: true, configurable: true });
  return setAt(value, path, extended);
}

function withoutKey(value: unknown, path: Path): unknown {
  if (path.length === 0) return value;
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1];
  const parent = parentPath.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
  if (!parent || typeof parent !== 'object' || Array.isArray(parent)) return value;
  return setAt(value, parentPath, Object.fromEntries(Object.entries(parent).filter(([k]) => k !== key)));
}

/** One valid-shaped value of the schema bent by one hostile change: a value, a key, a missing field. */
export function hostileOf(schema: z.ZodType): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      arbitraryOf(schema),
      fc.nat(),
      fc.constantFrom(...HOSTILE_VALUES),
      fc.constantFrom(...HOSTILE_KEYS),
      fc.constantFrom('replace', 'add-key', 'drop', 'replace'),
    )
    .map(([value, pick, hostile, key, change]) => {
      const paths = pathsOf(value);
      const path = paths[pick % paths.length] as Path;
      if (change === 'replace') return setAt(value, path, hostile);
      if (change === 'drop') return withoutKey(value, path);
      return withKey(value, path, key, hostile);
    });
}
