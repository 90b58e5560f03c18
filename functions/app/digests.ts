import type { Clock } from '#domain/clock';
import type { Digest, DigestChainVerdict, DigestListing, StoredDigest } from '#domain/digest';
import {
  DIGEST_FORMAT,
  DIGEST_PREFIX,
  DIGEST_SIGNING_ALGORITHM,
  anchorChecker,
  digestBytes,
  digestChainVerifier,
  digestKey,
  digestSchema,
  sha256Of,
  startOfUtcDay,
  utcDaysBetween,
} from '#domain/digest';
import { chainVerifier } from '#domain/chain';
import type { DigestPublicKey, DigestSigner } from '#digests/digest-signer';
import type { ObjectStore } from '#objects/object-store';
import { ObjectConflictError } from '#objects/object-store';
import type { CaseStore } from '#store/case-store';

/** The object metadata a digest's signature travels in (x-amz-meta-*), as CloudTrail stores its own. */
const SIGNATURE_METADATA = {
  signature: 'signature',
  algorithm: 'signature-algorithm',
  key: 'signing-key',
} as const;

/** A digest file is read whole; 100,000 cases changed in one period make about 13 MB. */
const MAX_DIGEST_BYTES = 256 * 1024 * 1024;
const DIGEST_CONTENT_TYPE = 'application/json';

export interface DigestWritten {
  /** False when a digest already covered the period (a repeated run): nothing was written. */
  written: boolean;
  key: string;
  sequence: number;
  periodStart: string | null;
  periodEnd: string;
  heads: number;
}

interface ChainEnd {
  key: string;
  sha256: string;
  digest: Digest;
}

/** The digest at the end of the chain (the last key), or undefined before the first. */
async function chainEnd(archive: ObjectStore): Promise<ChainEnd | undefined> {
  let last: string | undefined;
  for await (const key of archive.keys(DIGEST_PREFIX)) last = key;
  if (!last) return undefined;
  const bytes = await archive.getBytes(last, { maxBytes: MAX_DIGEST_BYTES });
  const parsed = digestSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  if (!parsed.success) throw new Error(`the latest digest ${last} is not a ${DIGEST_FORMAT} file`);
  return { key: last, sha256: sha256Of(bytes), digest: parsed.data };
}

/**
 * Writes the next digest: the heads of every case changed since the previous digest's period ended
 * (every case, for the first), signed and stored at the chain's next key. Idempotent per period: when
 * the chain already reaches `until`, nothing is written; a writer that loses a race for the next key
 * answers with the winner's digest.
 */
export function makeDigestWriter(deps: {
  store: CaseStore;
  digests: { archive: ObjectStore; signer: DigestSigner };
  clock: Clock;
}) {
  const { archive, signer } = deps.digests;
  /** Every case id, through the area registry and the area index: the first digest anchors them all. */
  async function everyCase(): Promise<string[]> {
    const ids = new Set<string>();
    const subdistricts = new Set((await deps.store.listAreas()).map((area) => area.subdistrict));
    for (const subdistrict of subdistricts) {
      let cursor: string | undefined;
      do {
        const page = await deps.store.listByArea(subdistrict, { limit: 500, cursor });
        for (const item of page.items) ids.add(item.id);
        cursor = page.cursor;
      } while (cursor);
    }
    return [...ids];
  }

  async function changedSince(periodStart: string, now: Date): Promise<string[]> {
    const ids = new Set<string>();
    for (const day of utcDaysBetween(periodStart, now.toISOString()))
      for await (const id of deps.store.heads.changedOn(day)) ids.add(id);
    return [...ids];
  }

  async function write(until: Date): Promise<DigestWritten> {
    const periodEnd = new Date(Math.floor(until.getTime() / 1000) * 1000).toISOString();
    const end = await chainEnd(archive);
    const answer = (chain: ChainEnd, written: boolean): DigestWritten => ({
      written,
      key: chain.key,
      sequence: chain.digest.sequence,
      periodStart: chain.digest.periodStart,
      periodEnd: chain.digest.periodEnd,
      heads: chain.digest.heads.length,
    });
    if (end && end.digest.periodEnd >= periodEnd) return answer(end, false);

    const periodStart = end?.digest.periodEnd ?? null;
    // The heads are read after `periodEnd`: whatever changed before it is in the index by now.
    const now = deps.clock.now();
    const ids = periodStart === null ? await everyCase() : await changedSince(periodStart, now);
    const since = periodStart === null ? undefined : Date.parse(periodStart);
    const heads = (await deps.store.heads.headsOf(ids))
      .filter((head) => since === undefined || Date.parse(head.updatedAt) >= since)
      .map((head) => ({ caseId: head.id, seq: head.lastSeq, hash: head.lastHash }))
      .sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
    const sequence = (end?.digest.sequence ?? 0) + 1;
    const digest: Digest = {
      format: DIGEST_FORMAT,
      sequence,
      periodStart,
      periodEnd,
      writtenAt: now.toISOString(),
      previous: end ? { key: end.key, sha256: end.sha256 } : null,
      heads,
    };
    const bytes = digestBytes(digest);
    const signature = await signer.sign(bytes);
    const key = digestKey(sequence);
    try {
      await archive.putImmutable(key, bytes, {
        contentType: DIGEST_CONTENT_TYPE,
        metadata: {
          [SIGNATURE_METADATA.signature]: Buffer.from(signature).toString('base64'),
          [SIGNATURE_METADATA.algorithm]: DIGEST_SIGNING_ALGORITHM,
          [SIGNATURE_METADATA.key]: signer.keyId,
        },
      });
    } catch (error) {
      if (!(error instanceof ObjectConflictError)) throw error;
      const winner = await chainEnd(archive);
      if (!winner) throw error;
      return answer(winner, false);
    }
    return { written: true, key, sequence, periodStart, periodEnd, heads: heads.length };
  }

  return {
    /** The scheduled run: the chain brought up to the start of today (UTC); once a day whatever the retries. */
    daily: () => write(new Date(startOfUtcDay(deps.clock.now()))),
    /** On demand: the chain brought up to now. */
    now: () => write(deps.clock.now()),
  };
}

interface RewrittenCase {
  caseId: string;
  /** The anchored head the table no longer matches. */
  anchored: { seq: number; hash: string; digest: string; writtenAt: string };
  reason: string;
}

export interface DigestVerification {
  ok: boolean;
  /** Digests stored, how many of them were signed and linked as they should be, and each one. */
  digests: { stored: number; verified: number; latestPeriodEnd?: string; items: DigestListing[] };
  /** Digests whose signature or link fails: altered, removed, replaced. */
  digestProblems: { key: string; reason: string }[];
  /** Cases checked against their latest anchored head (ids in order); `complete` false when the budget ran out. */
  cases: { checked: number; complete: boolean; lastCaseId?: string };
  rewritten: RewrittenCase[];
}

/**
 * Checks the table against the signed digests with the public key alone: every digest's signature and
 * its link to the one before, then each anchored case's history, replayed, against the latest head a
 * signed digest anchored for it. Cases are taken in id order from `after`, until `budgetMs` runs out.
 */
export function makeDigestVerifier(deps: {
  store: CaseStore;
  digests: { archive: ObjectStore; publicKey: DigestPublicKey };
}) {
  const { archive, publicKey } = deps.digests;
  async function* storedDigests(): AsyncGenerator<StoredDigest> {
    for await (const key of archive.keys(DIGEST_PREFIX)) {
      const [bytes, head] = await Promise.all([
        archive.getBytes(key, { maxBytes: MAX_DIGEST_BYTES }),
        archive.head(key),
      ]);
      const signature = head?.metadata[SIGNATURE_METADATA.signature];
      yield { key, bytes, ...(signature ? { signature } : {}) };
    }
  }

  async function checkCase(
    caseId: string,
    anchor: DigestChainVerdict['anchors'] extends Map<string, infer A> ? A : never,
  ): Promise<string | undefined> {
    const record = await deps.store.getCase(caseId);
    if (!record) return `the case is gone from the table; ${anchor.digestKey} anchored it at event ${anchor.seq}`;
    const chain = chainVerifier();
    const checker = anchorChecker(anchor);
    for await (const event of deps.store.allEvents(caseId)) {
      const broken = chain.add(event);
      if (broken && !broken.ok && broken.brokenAt <= anchor.seq) return broken.reason;
      checker.add(event);
    }
    const rewritten = checker.finish();
    if (rewritten) return rewritten;
    const verdict = chain.finish({ lastSeq: record.lastSeq, lastHash: record.lastHash });
    return verdict.ok ? undefined : verdict.reason;
  }

  return {
    async verify(options: { after?: string; budgetMs?: number } = {}): Promise<DigestVerification> {
      const startedAt = Date.now();
      const digests = digestChainVerifier(await publicKey.publicKeyPem());
      let stored = 0;
      for await (const digest of storedDigests()) {
        digests.add(digest);
        stored += 1;
      }
      const chain = digests.finish();
      const rewritten: RewrittenCase[] = [];
      const caseIds = [...chain.anchors.keys()]
        .filter((id) => options.after === undefined || id > options.after)
        .sort();
      let checked = 0;
      let lastCaseId: string | undefined;
      for (const caseId of caseIds) {
        if (options.budgetMs !== undefined && Date.now() - startedAt > options.budgetMs) break;
        const anchor = chain.anchors.get(caseId);
        if (!anchor) continue;
        const reason = await checkCase(caseId, anchor);
        if (reason)
          rewritten.push({
            caseId,
            anchored: { seq: anchor.seq, hash: anchor.hash, digest: anchor.digestKey, writtenAt: anchor.writtenAt },
            reason,
          });
        checked += 1;
        lastCaseId = caseId;
      }
      const complete = checked === caseIds.length;
      return {
        ok: chain.problems.length === 0 && rewritten.length === 0,
        digests: {
          stored,
          verified: chain.checked,
          ...(chain.latestPeriodEnd ? { latestPeriodEnd: chain.latestPeriodEnd } : {}),
          items: chain.listing,
        },
        digestProblems: chain.problems,
        cases: { checked, complete, ...(lastCaseId ? { lastCaseId } : {}) },
        rewritten,
      };
    },
  };
}
