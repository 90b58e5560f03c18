import { ACTION_NAMES, TRANSITIONS, decide } from '#domain/lifecycle';
import type { Actor, CaseStatus } from '#domain/vocabulary';
import { CASE_STATUSES, ROLES } from '#domain/vocabulary';

const ACTORS: Actor[] = [...ROLES, 'system'];
const STATES: (CaseStatus | 'new')[] = ['new', ...CASE_STATUSES];

describe('the lifecycle table', () => {
  const allowedCells = TRANSITIONS.flatMap((t) =>
    (t.from === 'new' ? (['new'] as const) : t.from).flatMap((from) => t.roles.map((actor) => ({ t, from, actor }))),
  );

  it.each(
    allowedCells.map(({ t, from, actor }) => [
      t.action,
      t.outcome ?? '-',
      from,
      actor,
      t.to === 'unchanged' ? from : t.to,
      t.event,
    ]),
  )('%s (%s) from %s by %s leads to %s recording %s', (action, outcome, from, actor, to, event) => {
    const decision = decide(
      from as CaseStatus | 'new',
      action as (typeof ACTION_NAMES)[number],
      actor as Actor,
      outcome === '-' ? undefined : outcome,
    );
    expect(decision).toMatchObject({ allowed: true, to, event });
  });

  it('refuses every other status × action × actor cell with a reason', () => {
    const wrongVerdicts: string[] = [];
    let refused = 0;
    for (const from of STATES) {
      for (const action of ACTION_NAMES) {
        const outcomes = [...new Set(TRANSITIONS.filter((t) => t.action === action).map((t) => t.outcome))];
        for (const outcome of outcomes) {
          for (const actor of ACTORS) {
            const listed = allowedCells.some(
              (c) => c.t.action === action && c.t.outcome === outcome && c.from === from && c.actor === actor,
            );
            const decision = decide(from, action, actor, outcome);
            const explained = decision.allowed || decision.reason.length > 10;
            if (decision.allowed !== listed || !explained)
              wrongVerdicts.push(`${from} ${action} ${outcome ?? ''} ${actor}`);
            if (!listed) refused += 1;
          }
        }
      }
    }
    expect(wrongVerdicts).toEqual([]);
    expect(refused).toBeGreaterThan(1000);
  });

  it('explains a refusal by status with the statuses that would allow it', () => {
    expect(decide('CLOSED', 'grant-extension', 'officer')).toEqual({
      allowed: false,
      kind: 'transition',
      reason:
        'grant-extension is not allowed while the case is CLOSED; it is allowed in NOTICE_ISSUED, AWAITING_INSPECTION',
    });
  });

  it('explains a refusal by role', () => {
    expect(decide('ENFORCEMENT_SCHEDULED', 'complete-enforcement', 'officer')).toEqual({
      allowed: false,
      kind: 'role',
      reason: 'complete-enforcement may be taken only by enforcer, not by officer',
    });
  });

  it('never lets an auditor change a case', () => {
    for (const from of STATES)
      for (const action of ACTION_NAMES) expect(decide(from, action, 'auditor').allowed).toBe(false);
  });

  it('lets an officer dismiss from every open status and from no terminal one', () => {
    for (const status of CASE_STATUSES) {
      expect(decide(status, 'dismiss', 'officer').allowed).toBe(status !== 'CLOSED' && status !== 'DISMISSED');
    }
  });

  it('routes an inspection by its result', () => {
    expect(decide('AWAITING_INSPECTION', 'record-inspection', 'officer', 'demolished')).toMatchObject({
      to: 'SELF_DEMOLISHED',
    });
    expect(decide('AWAITING_INSPECTION', 'record-inspection', 'officer', 'not-demolished')).toMatchObject({
      to: 'ESCALATED',
    });
    expect(decide('AWAITING_INSPECTION', 'record-inspection', 'officer', 'partially-demolished')).toMatchObject({
      to: 'ESCALATED',
    });
    expect(decide('PERSUASION', 'record-inspection', 'reporter', 'not-demolished')).toMatchObject({ to: 'PERSUASION' });
    expect(decide('AWAITING_INSPECTION', 'record-inspection', 'officer', 'maybe')).toMatchObject({ allowed: false });
  });
});
