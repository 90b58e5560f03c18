import { generateKeyPairSync, sign } from 'node:crypto';
import { anchorChecker, digestBytes, digestChainVerifier, digestKey, sha256Of } from '#domain/digest';
import type { Digest } from '#domain/digest';
import { chainVerifier, seal } from '#domain/chain';
import { GENESIS_HASH } from '#domain/chain';
import { describeCaseFinding, describeDigestProblem } from '../../console/src/digest-findings';

/**
 * The digests page says in Chinese what the verification found. The reasons here are the ones the domain
 * itself writes (the chain and digest verifiers, fed broken histories and digests), so a reworded reason
 * fails this test instead of falling through to the untranslated fallback on the page.
 */
const chinese = (text: string) => /[\u4e00-\u9fff]/.test(text);

function history() {
  const first = seal({ seq: 1, type: 'CASE_REPORTED', data: { address: '隆庆楼1号' } }, GENESIS_HASH);
  const second = seal({ seq: 2, type: 'NOTICE_ISSUED', data: { noticeNumber: '2026-001' } }, first.hash);
  const third = seal({ seq: 3, type: 'SERVICE_RECORDED', data: {} }, second.hash);
  return [first, second, third];
}

function chainReason(
  events: ReturnType<typeof history>,
  expected?: { lastSeq: number; lastHash: string },
): string | undefined {
  const chain = chainVerifier();
  for (const event of events) chain.add(event);
  const verdict = chain.finish(expected);
  return verdict.ok ? undefined : verdict.reason;
}

/** Every reason the verification gives for a case, one per way a history can be rewritten. */
function caseReasons(): Record<string, string | undefined> {
  const [first, second, third] = history() as [
    ReturnType<typeof history>[0],
    ReturnType<typeof history>[0],
    ReturnType<typeof history>[0],
  ];
  const anchor = {
    caseId: 'C-1',
    seq: 2,
    hash: second.hash,
    digestKey: digestKey(1),
    writtenAt: '2026-12-03T00:15:00.000Z',
  };
  const recomputed = anchorChecker(anchor);
  recomputed.add({ seq: 2, hash: 'f'.repeat(64) });
  const cut = anchorChecker(anchor);
  cut.add(first);
  return {
    edited: chainReason([first, { ...second, data: { noticeNumber: '2026-999' } }, third]),
    recomputed: recomputed.finish(),
    removedAnchor: cut.finish(),
    gap: chainReason([first, third]),
    reordered: chainReason([first, first]),
    replaced: chainReason([first, seal({ seq: 2, type: 'NOTICE_ISSUED', data: {} }, 'e'.repeat(64))]),
    headHash: chainReason([first, second, third], { lastSeq: 3, lastHash: 'd'.repeat(64) }),
    headBehind: chainReason([first, second, third], { lastSeq: 2, lastHash: second.hash }),
    tailRemoved: chainReason([first, second], { lastSeq: 3, lastHash: third.hash }),
    // functions/app/digests.ts says this when the anchored case item is no longer in the table.
    caseGone: `the case is gone from the table; ${digestKey(1)} anchored it at event 2`,
  };
}

describe('what the digests page says about a rewritten case', () => {
  it('names every way a history can be rewritten, in Chinese', () => {
    const described = Object.entries(caseReasons()).map(([name, reason]) => {
      expect(reason).toBeDefined();
      return [name, describeCaseFinding(reason as string, 'zh')] as const;
    });
    expect(described.filter(([, d]) => d.kind === 'other' || !chinese(d.text)).map(([name]) => name)).toEqual([]);
    expect(Object.fromEntries(described.map(([name, d]) => [name, d.kind]))).toEqual({
      edited: 'event-edited',
      recomputed: 'chain-recomputed',
      removedAnchor: 'events-removed',
      gap: 'events-removed',
      reordered: 'events-removed',
      replaced: 'link-broken',
      headHash: 'head-rewritten',
      headBehind: 'head-rewritten',
      tailRemoved: 'events-removed',
      caseGone: 'case-removed',
    });
  });

  it('says plainly that the table alone no longer shows a recomputed history', () => {
    const { recomputed } = caseReasons();
    expect(describeCaseFinding(recomputed as string, 'zh')).toEqual({
      kind: 'chain-recomputed',
      title: '记录链被重算',
      text: '第 2 条及之前的记录在锚定后被改写，哈希随之重算，仅凭数据表自身的校验已看不出；它与锚定时签名的链头不符。',
    });
  });

  it('keeps the API’s sentence in English, and a reason it does not know as written', () => {
    const { edited } = caseReasons();
    expect(describeCaseFinding(edited as string, 'en')).toEqual({
      kind: 'event-edited',
      title: 'Event edited after anchoring',
      text: edited,
    });
    expect(describeCaseFinding('something new', 'zh')).toEqual({
      kind: 'other',
      title: '记录与锚定不符',
      text: 'something new',
    });
  });
});

describe('what the digests page says about a digest', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const digest = (sequence: number, previous: Digest['previous'], periodStart: string | null): Digest => ({
    format: 'rectify-digest/1',
    sequence,
    periodStart,
    periodEnd: `2026-12-0${sequence + 1}T00:00:00.000Z`,
    writtenAt: `2026-12-0${sequence + 1}T00:15:00.000Z`,
    previous,
    heads: [{ caseId: 'C-1', seq: sequence, hash: 'a'.repeat(64) }],
  });
  const stored = (key: string, bytes: Uint8Array, key_ = privateKey) => ({
    key,
    bytes,
    signature: sign('sha256', bytes, key_).toString('base64'),
  });
  const problemsOf = (...digests: ReturnType<typeof stored>[]) => {
    const verifier = digestChainVerifier(publicKeyPem);
    for (const d of digests) verifier.add(d);
    return verifier.finish().problems.map((p) => p.reason);
  };
  const first = digestBytes(digest(1, null, null));
  const firstLink = { key: digestKey(1), sha256: sha256Of(first) };

  it('names every way a digest can be altered, removed or replaced, in Chinese', () => {
    const reasons = {
      unsigned: problemsOf({ key: digestKey(1), bytes: first } as ReturnType<typeof stored>),
      altered: problemsOf(stored(digestKey(1), first, other)),
      notADigest: problemsOf(stored(digestKey(1), Buffer.from('not json'))),
      moved: problemsOf(stored(digestKey(2), first)),
      replacedChain: problemsOf(stored(digestKey(1), first), stored(digestKey(2), digestBytes(digest(2, null, null)))),
      firstRemoved: problemsOf(stored(digestKey(2), digestBytes(digest(2, firstLink, '2026-12-02T00:00:00.000Z')))),
      middleRemoved: problemsOf(
        stored(digestKey(1), first),
        stored(digestKey(3), digestBytes(digest(3, { key: digestKey(2), sha256: 'b'.repeat(64) }, null))),
      ),
      previousReplaced: problemsOf(
        stored(digestKey(1), first),
        stored(digestKey(2), digestBytes(digest(2, { ...firstLink, sha256: 'c'.repeat(64) }, null))),
      ),
      periodGap: problemsOf(
        stored(digestKey(1), first),
        stored(digestKey(2), digestBytes(digest(2, firstLink, '2026-12-01T00:00:00.000Z'))),
      ),
    };
    const described = Object.entries(reasons).flatMap(([name, list]) => {
      expect(list.length).toBeGreaterThan(0);
      return list.map((reason) => [name, describeDigestProblem(reason, 'zh')] as const);
    });
    expect(described.filter(([, d]) => d.kind === 'other' || !chinese(d.text)).map(([name]) => name)).toEqual([]);
    const kinds = (name: string) => described.filter(([n]) => n === name).map(([, d]) => d.kind);
    expect(kinds('altered')).toEqual(['digest-altered']);
    expect(kinds('unsigned')).toEqual(['digest-unsigned']);
    expect(kinds('firstRemoved')).toEqual(['digest-removed']);
    expect(kinds('middleRemoved')).toEqual(['digest-removed']);
    expect(kinds('previousReplaced')).toEqual(['digest-replaced']);
    expect(kinds('periodGap')).toEqual(['period-gap']);
    // Instants in Beijing time.
    expect(describeDigestProblem(reasons.periodGap[0] as string, 'zh').text).toBe(
      '期间起点 北京时间 2026年12月1日 08:00 与 digests/000000001.json 的终点 北京时间 2026年12月2日 08:00 不衔接。',
    );
  });
});
