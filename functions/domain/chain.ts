import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, no whitespace. Two parties that hold
 * the same event compute the same bytes, whatever order its fields were written in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number in event');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The fields of an event that its hash covers: everything but the hash itself. */
export type Hashable = { seq: number; prevHash: string } & Record<string, unknown>;

export function hashEvent(event: Hashable): string {
  const { hash: _ignored, ...body } = event as Hashable & { hash?: unknown };
  return createHash('sha256').update(event.prevHash).update('\n').update(canonicalJson(body)).digest('hex');
}

/** Seals an event onto the chain after `prevHash`. */
export function seal<T extends { seq: number }>(event: T, prevHash: string): T & { prevHash: string; hash: string } {
  const withPrev = { ...event, prevHash };
  return { ...withPrev, hash: hashEvent(withPrev) };
}

export type ChainVerdict =
  | { ok: true; count: number; lastSeq: number; lastHash: string }
  | { ok: false; brokenAt: number; reason: string; checked: number };

export interface ChainVerifier {
  /** Feeds the next event in sequence order; returns a verdict as soon as the chain breaks. */
  add(event: { seq: number; prevHash: string; hash: string } & Record<string, unknown>): ChainVerdict | undefined;
  /** Final verdict; `expected` is the head the case item records (detects removed trailing events). */
  finish(expected?: { lastSeq: number; lastHash: string }): ChainVerdict;
}

/**
 * Verifies a history incrementally, page by page, so a long history never has to be held in memory.
 * Names the first event at which the chain breaks: a changed event (its hash no longer matches), a
 * removed or reordered event (a gap in the sequence or a link to the wrong predecessor).
 */
export function chainVerifier(): ChainVerifier {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let broken: ChainVerdict | undefined;
  const fail = (brokenAt: number, reason: string): ChainVerdict => {
    broken = { ok: false, brokenAt, reason, checked: expectedSeq - 1 };
    return broken;
  };
  return {
    add(event) {
      if (broken) return broken;
      if (event.seq !== expectedSeq) {
        return fail(expectedSeq, event.seq > expectedSeq ? `event ${expectedSeq} is missing (next stored is ${event.seq})` : `event ${event.seq} is out of order (expected ${expectedSeq})`);
      }
      if (event.prevHash !== prevHash) return fail(event.seq, `event ${event.seq} does not link to event ${event.seq - 1}`);
      if (hashEvent(event) !== event.hash) return fail(event.seq, `event ${event.seq} was altered: its content does not match its hash`);
      prevHash = event.hash;
      expectedSeq += 1;
      return undefined;
    },
    finish(expected) {
      if (broken) return broken;
      const lastSeq = expectedSeq - 1;
      if (expected) {
        if (expected.lastSeq > lastSeq) return fail(lastSeq + 1, `event ${lastSeq + 1} is missing (the case records ${expected.lastSeq} events)`);
        if (expected.lastSeq < lastSeq) return fail(expected.lastSeq + 1, `event ${expected.lastSeq + 1} is not recorded on the case`);
        if (expected.lastHash !== prevHash) return fail(lastSeq, `event ${lastSeq} does not match the hash recorded on the case`);
      }
      return { ok: true, count: lastSeq, lastSeq, lastHash: prevHash };
    },
  };
}

export function verifyChain(events: Iterable<Parameters<ChainVerifier['add']>[0]>, expected?: { lastSeq: number; lastHash: string }): ChainVerdict {
  const verifier = chainVerifier();
  for (const event of events) {
    const verdict = verifier.add(event);
    if (verdict) return verdict;
  }
  return verifier.finish(expected);
}
