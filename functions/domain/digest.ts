import { createHash, verify as verifySignature } from 'node:crypto';
import * as z from 'zod';
import { canonicalJson } from './canonical-json';

/**
 * A digest anchors the chain heads of the cases that changed in a period outside the table: a signed file
 * in object storage under Object Lock, each naming the one before it (the manner of CloudTrail's digest
 * files). Whoever can write the table can rewrite a history together with its head; they cannot rewrite
 * what a digest signed before.
 */
export const DIGEST_FORMAT = 'rectify-digest/1';

/** How digests are signed: ECDSA on P-256 over the SHA-256 of the digest file's bytes (KMS ECDSA_SHA_256). */
export const DIGEST_SIGNING_ALGORITHM = 'ECDSA_SHA_256';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const isoInstant = z.iso.datetime();

const anchoredHeadSchema = z.object({
  caseId: z.string().min(1),
  /** The event the case's chain had reached when the digest was written. */
  seq: z.number().int().min(1),
  /** That event's hash: it covers every event before it. */
  hash: sha256Hex,
});
export type AnchoredHead = z.infer<typeof anchoredHeadSchema>;

export const digestSchema = z.object({
  format: z.literal(DIGEST_FORMAT),
  /** The digest's place in the chain, from 1. */
  sequence: z.number().int().min(1),
  /** The previous digest's `periodEnd`; null for the first digest, which anchors every case. */
  periodStart: isoInstant.nullable(),
  /** Every case changed before this instant (and since `periodStart`) is listed. */
  periodEnd: isoInstant,
  /** When the heads were read: a head may be later than `periodEnd`, never earlier. */
  writtenAt: isoInstant,
  previous: z.object({ key: z.string(), sha256: sha256Hex }).nullable(),
  /** In case id order. */
  heads: z.array(anchoredHeadSchema),
});
export type Digest = z.infer<typeof digestSchema>;

/** The bytes a digest is stored and signed as: canonical JSON, so any party recomputes them. */
export function digestBytes(digest: Digest): Uint8Array {
  return Buffer.from(canonicalJson(digest), 'utf8');
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Where a digest is stored: by its place in the chain, zero-padded so the store's key order is the chain's
 * (`digests/000000042.json`). Two writers racing to extend the chain aim at the same key, and the store
 * lets only one of them write it.
 */
export function digestKey(sequence: number): string {
  return `${DIGEST_PREFIX}${String(sequence).padStart(9, '0')}.json`;
}
export const DIGEST_PREFIX = 'digests/';

/** The UTC days from `from`'s to `to`'s, both included (`YYYY-MM-DD`). */
export function utcDaysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = to.slice(0, 10);
  for (let day = new Date(`${from.slice(0, 10)}T00:00:00Z`); ; day = new Date(day.getTime() + 86_400_000)) {
    const text = day.toISOString().slice(0, 10);
    if (text > end) return days;
    days.push(text);
  }
}

/** The start of `at`'s UTC day: the end of the period a day's scheduled digest covers. */
export function startOfUtcDay(at: Date): string {
  return `${at.toISOString().slice(0, 10)}T00:00:00.000Z`;
}

/** Checks a DER-encoded ECDSA P-256 signature over the bytes with the public key alone (PEM). */
function signatureHolds(bytes: Uint8Array, signature: Uint8Array, publicKeyPem: string): boolean {
  try {
    return verifySignature('sha256', bytes, publicKeyPem, signature);
  } catch {
    return false;
  }
}

/** A stored digest as the verifier reads it: its key, its bytes and the signature stored with it. */
export interface StoredDigest {
  key: string;
  bytes: Uint8Array;
  /** Base64 DER, from the object's metadata; undefined when it has none. */
  signature?: string;
}

interface DigestProblem {
  key: string;
  reason: string;
}

/**
 * One stored digest as the verification lists it: what its signed file says, and whether its signature
 * and its link to the one before hold. An unsigned or altered file is named by its key alone: nothing
 * it says can be trusted.
 */
export interface DigestListing {
  key: string;
  holds: boolean;
  sequence?: number;
  periodStart?: string | null;
  periodEnd?: string;
  writtenAt?: string;
  /** Chain heads the digest anchors. */
  heads?: number;
}

export interface DigestChainVerdict {
  /** Digests whose signature holds and whose link to the one before holds. */
  checked: number;
  problems: DigestProblem[];
  /** Every stored digest, in key (chain) order. */
  listing: DigestListing[];
  /** The latest anchored head of each case, from digests whose signature holds. */
  anchors: Map<string, AnchoredHead & { digestKey: string; writtenAt: string }>;
  latestPeriodEnd?: string;
}

/**
 * Verifies the digests in key order: each signature with the public key, each link to the digest stored
 * before it (a removed or replaced digest breaks the next link), each period starting where the previous
 * ended. Collects, for every case, the latest head a signed digest anchored.
 */
export function digestChainVerifier(publicKeyPem: string) {
  const problems: DigestProblem[] = [];
  const listing: DigestListing[] = [];
  const anchors: DigestChainVerdict['anchors'] = new Map();
  let checked = 0;
  let before: { key: string; sha256: string; periodEnd?: string } | undefined;
  let latestPeriodEnd: string | undefined;
  return {
    add(stored: StoredDigest): void {
      const problemsBefore = problems.length;
      const parsed = checkDigest(stored);
      const holds = problems.length === problemsBefore;
      if (holds) checked += 1;
      listing.push(
        parsed
          ? {
              key: stored.key,
              holds,
              sequence: parsed.sequence,
              periodStart: parsed.periodStart,
              periodEnd: parsed.periodEnd,
              writtenAt: parsed.writtenAt,
              heads: parsed.heads.length,
            }
          : { key: stored.key, holds },
      );
    },
    finish(): DigestChainVerdict {
      return { checked, problems, listing, anchors, ...(latestPeriodEnd ? { latestPeriodEnd } : {}) };
    },
  };

  /** Records the digest's problems and anchors; answers its content when its signature holds. */
  function checkDigest(stored: StoredDigest): Digest | undefined {
    const sha256 = sha256Of(stored.bytes);
    const problem = (reason: string) => problems.push({ key: stored.key, reason });
    const signed =
      stored.signature !== undefined &&
      signatureHolds(stored.bytes, Buffer.from(stored.signature, 'base64'), publicKeyPem);
    const parsed = signed ? parseDigest(stored.bytes) : undefined;
    const previous = before;
    before = { key: stored.key, sha256, periodEnd: parsed?.periodEnd };
    if (!signed) {
      problem(
        stored.signature === undefined
          ? 'the digest carries no signature'
          : 'the signature does not hold: the digest was altered after it was signed, or signed by another key',
      );
      return undefined;
    }
    if (!parsed) {
      problem(`the digest is not a ${DIGEST_FORMAT} file`);
      return undefined;
    }
    if (digestKey(parsed.sequence) !== stored.key)
      problem(`the digest is number ${parsed.sequence} of the chain but is stored at another key`);
    if (parsed.previous === null) {
      if (previous) problem(`the digest names no previous digest, yet ${previous.key} is stored before it`);
      else if (parsed.sequence !== 1) problem(`the digest is number ${parsed.sequence} but names no previous digest`);
    } else if (!previous) {
      problem(`the digest names ${parsed.previous.key} as the previous digest, which is missing`);
    } else if (parsed.previous.key !== previous.key) {
      problem(
        `the digest names ${parsed.previous.key} as the previous digest, which is missing (the one stored before it is ${previous.key})`,
      );
    } else if (parsed.previous.sha256 !== previous.sha256) {
      problem(`the previous digest ${previous.key} is not the file this digest signed (its SHA-256 differs)`);
    } else if (previous.periodEnd !== undefined && parsed.periodStart !== previous.periodEnd) {
      problem(`the period starts at ${parsed.periodStart}, not where ${previous.key} ended (${previous.periodEnd})`);
    }
    for (const head of parsed.heads) {
      const known = anchors.get(head.caseId);
      if (!known || known.seq <= head.seq)
        anchors.set(head.caseId, { ...head, digestKey: stored.key, writtenAt: parsed.writtenAt });
    }
    latestPeriodEnd = parsed.periodEnd;
    return parsed;
  }
}

function parseDigest(bytes: Uint8Array): Digest | undefined {
  try {
    const parsed = digestSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks one case's history, event by event, against the head a digest anchored: the event at the
 * anchored sequence must carry the anchored hash. A history rewritten at or before that event (a head
 * rewritten with its last event recomputed included) no longer does; a history cut short no longer reaches it.
 */
export function anchorChecker(anchor: AnchoredHead & { digestKey: string; writtenAt: string }) {
  let reached: { seq: number; hash: string } | undefined;
  return {
    add(event: { seq: number; hash: string }): void {
      if (event.seq === anchor.seq) reached = event;
    },
    /** The reason the history no longer matches its anchor; undefined when it does. */
    finish(): string | undefined {
      if (!reached)
        return `event ${anchor.seq}, which ${anchor.digestKey} anchored on ${anchor.writtenAt}, is no longer in the history`;
      if (reached.hash !== anchor.hash)
        return `event ${anchor.seq} does not match the head ${anchor.digestKey} anchored on ${anchor.writtenAt}: the history up to it was rewritten after it was anchored`;
      return undefined;
    },
  };
}
