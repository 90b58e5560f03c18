import { GENESIS_HASH, canonicalJson, seal, verifyChain, chainVerifier } from '#domain/chain';
import { applyEvent } from '#domain/case-history';
import type { CaseEvent } from '#domain/schemas';
import { reportedCase } from '../fixtures/cases';

function history(length: number): CaseEvent[] {
  let { record, event } = reportedCase();
  const events = [event];
  for (let i = 2; i <= length; i += 1) {
    ({ next: record, event } = applyEvent(
      record,
      {
        type: 'REMINDER_SENT',
        actor: { sub: 'workflow', role: 'system' },
        at: new Date(Date.UTC(2026, 10, 25, 3, i)),
        data: { n: i },
      },
      record.status,
    ));
    events.push(event);
  }
  return events;
}

describe('the history hash chain', () => {
  it('hashes canonical JSON independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    const one = seal({ seq: 1, b: 2, a: 1 }, GENESIS_HASH);
    const two = seal({ a: 1, seq: 1, b: 2 }, GENESIS_HASH);
    expect(one.hash).toBe(two.hash);
    expect(one.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies an untouched history and its recorded head', () => {
    const events = history(6);
    const last = events[5]!;
    expect(verifyChain(events, { lastSeq: 6, lastHash: last.hash })).toEqual({
      ok: true,
      count: 6,
      lastSeq: 6,
      lastHash: last.hash,
    });
  });

  it('names a tampered event', () => {
    const events = history(6);
    events[3] = { ...events[3]!, data: { n: 999 } };
    expect(verifyChain(events)).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringContaining('altered') });
  });

  it('names a tampered event even when its hash was recomputed (the next link breaks)', () => {
    const events = history(6);
    events[2] = seal({ ...events[2]!, data: { n: -1 } }, events[2]!.prevHash);
    expect(verifyChain(events)).toMatchObject({ ok: false, brokenAt: 4, reason: 'event 4 does not link to event 3' });
  });

  it('names a removed event', () => {
    const events = history(6);
    events.splice(2, 1);
    expect(verifyChain(events)).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: 'event 3 is missing (next stored is 4)',
    });
  });

  it('names a removed last event against the head recorded on the case', () => {
    const events = history(6);
    const head = { lastSeq: 6, lastHash: events[5]!.hash };
    expect(verifyChain(events.slice(0, 5), head)).toMatchObject({ ok: false, brokenAt: 6 });
  });

  it('names reordered events', () => {
    const events = history(6);
    [events[1], events[2]] = [events[2]!, events[1]!];
    expect(verifyChain(events)).toMatchObject({
      ok: false,
      brokenAt: 2,
      reason: 'event 2 is missing (next stored is 3)',
    });
  });

  it('verifies page by page and keeps the first break', () => {
    const events = history(5);
    events[1] = { ...events[1]!, at: '2030-01-01T00:00:00.000Z' };
    const verifier = chainVerifier();
    const verdicts = events.map((e) => verifier.add(e));
    expect(verdicts[0]).toBeUndefined();
    expect(verdicts[1]).toMatchObject({ brokenAt: 2 });
    expect(verifier.finish()).toMatchObject({ ok: false, brokenAt: 2 });
  });
});
