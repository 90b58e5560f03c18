import { createHash } from 'node:crypto';
import * as z from 'zod';
import { canonicalJson } from './canonical-json';

// Canonical JSON has a module of its own, free of node:crypto, so the console's survey import can use it.
export { canonicalJson };

export const GENESIS_HASH = '0'.repeat(64);

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

export const chainVerdictSchema = z.union([
  z.object({ ok: z.literal(true), count: z.number().int(), lastSeq: z.number().int(), lastHash: z.string() }),
  z.object({ ok: z.literal(false), brokenAt: z.number().int(), reason: z.string(), checked: z.number().int() }),
]);
export type ChainVerdict = z.infer<typeof chainVerdictSchema>;

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
        return fail(
          expectedSeq,
          event.seq > expectedSeq
            ? `event ${expectedSeq} is missing (next stored is ${event.seq})`
            : `event ${event.seq} is out of order (expected ${expectedSeq})`,
        );
      }
      if (event.prevHash !== prevHash)
        return fail(event.seq, `event ${event.seq} does not link to event ${event.seq - 1}`);
      if (hashEvent(event) !== event.hash)
        return fail(event.seq, `event ${event.seq} was altered: its content does not match its hash`);
      prevHash = event.hash;
      expectedSeq += 1;
      return undefined;
    },
    finish(expected) {
      if (broken) return broken;
      const lastSeq = expectedSeq - 1;
      if (expected) {
        if (expected.lastSeq > lastSeq)
          return fail(lastSeq + 1, `event ${lastSeq + 1} is missing (the case records ${expected.lastSeq} events)`);
        if (expected.lastSeq < lastSeq)
          return fail(expected.lastSeq + 1, `event ${expected.lastSeq + 1} is not recorded on the case`);
        if (expected.lastHash !== prevHash)
          return fail(lastSeq, `event ${lastSeq} does not match the hash recorded on the case`);
      }
      return { ok: true, count: lastSeq, lastSeq, lastHash: prevHash };
    },
  };
}

export function verifyChain(
  events: Iterable<Parameters<ChainVerifier['add']>[0]>,
  expected?: { lastSeq: number; lastHash: string },
): ChainVerdict {
  const verifier = chainVerifier();
  for (const event of events) {
    const verdict = verifier.add(event);
    if (verdict) return verdict;
  }
  return verifier.finish(expected);
}

/** What of a case item its history alone determines (the rest is the workflow's bookkeeping). */
interface DerivedCaseFields {
  status: string;
  noticeNumber?: string;
  areaRemovedM2?: number;
  lastSeq: number;
  lastHash: string;
}

/**
 * Replays a history, event by event, into the case item's fields that follow from it: the status after
 * the last event, the notice number issued, the area removed (an inspection records it, a forced
 * demolition adds to it), the chain head.
 */
export function caseFieldsReplayer() {
  let derived: DerivedCaseFields | undefined;
  return {
    add(event: { seq: number; hash: string; type: string; status: string; data: Record<string, unknown> }): void {
      const next: DerivedCaseFields = {
        ...(derived ?? { status: event.status, lastSeq: 0, lastHash: '' }),
        status: event.status,
        lastSeq: event.seq,
        lastHash: event.hash,
      };
      const { noticeNumber, areaRemovedM2 } = event.data;
      if (event.type === 'NOTICE_ISSUED' && typeof noticeNumber === 'string') next.noticeNumber = noticeNumber;
      if (event.type === 'INSPECTION_RECORDED' && typeof areaRemovedM2 === 'number') next.areaRemovedM2 = areaRemovedM2;
      if (event.type === 'ENFORCEMENT_COMPLETED' && typeof areaRemovedM2 === 'number')
        next.areaRemovedM2 = (next.areaRemovedM2 ?? 0) + areaRemovedM2;
      derived = next;
    },
    /** The first field in which the case item disagrees with its history, as a broken verdict; undefined when none does. */
    compare(item: {
      status: string;
      version: number;
      notice?: { number: string };
      areaRemovedM2?: number;
    }): ChainVerdict | undefined {
      if (!derived) return undefined;
      const checked = derived.lastSeq;
      const differ = (field: string, stored: unknown, replayed: unknown): ChainVerdict => ({
        ok: false,
        brokenAt: checked,
        reason: `the case item's ${field} is ${JSON.stringify(stored ?? null)}; its history says ${JSON.stringify(replayed ?? null)}`,
        checked,
      });
      if (item.status !== derived.status) return differ('status', item.status, derived.status);
      if ((item.notice?.number ?? undefined) !== derived.noticeNumber)
        return differ('notice number', item.notice?.number, derived.noticeNumber);
      if ((item.areaRemovedM2 ?? 0) !== (derived.areaRemovedM2 ?? 0))
        return differ('areaRemovedM2', item.areaRemovedM2, derived.areaRemovedM2);
      // Every event moves the version; so does recording a waiting step, which is no event.
      if (item.version < derived.lastSeq) return differ('version', item.version, `at least ${derived.lastSeq}`);
      return undefined;
    },
  };
}
