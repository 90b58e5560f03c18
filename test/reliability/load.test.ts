import { resolvePolicy } from '#domain/policy';
import type { E2eStack } from '../e2e/support';
import { startE2eStack } from '../e2e/support';
import { readMailbox } from '../support/mailbox';
import type { LifecyclePath } from './support/lifecycle';
import {
  EXPECTED_END,
  LIFECYCLE_PATHS,
  LOAD_POLICY,
  driveLifecycles,
  repeated,
  verifyHistories,
} from './support/lifecycle';

/** One legal day every half second: the enforcement path's legal weeks pass in seconds. */
const CLOCK_FACTOR = 172_800;
/** Small on purpose (DynamoDB Local does a few hundred operations a second); 1,000 cases run in `npm run bench lifecycle`. */
const CASES_PER_PATH = 5;

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack({ clockFactor: CLOCK_FACTOR, policy: resolvePolicy(LOAD_POLICY) });
}, 60_000);
afterAll(async () => {
  await e2e?.dispose();
}, 30_000);

/** Event types each path must record exactly once. */
const ONCE: Record<LifecyclePath, string[]> = {
  'self-demolition': ['CASE_REPORTED', 'NOTICE_ISSUED', 'INSPECTION_OPENED', 'INSPECTION_RECORDED', 'CASE_CLOSED'],
  persuasion: ['CASE_REPORTED', 'PERSUASION_STARTED', 'INSPECTION_RECORDED', 'CASE_CLOSED'],
  enforcement: [
    'CASE_REPORTED',
    'NOTICE_ISSUED',
    'INSPECTION_OPENED',
    'INSPECTION_RECORDED',
    'CASE_ESCALATED',
    'ENFORCEMENT_DECIDED',
    'ENFORCEMENT_SCHEDULED',
    'ENFORCEMENT_COMPLETED',
    'CASE_CLOSED',
  ],
  dismissal: ['CASE_REPORTED', 'NOTICE_ISSUED', 'CASE_DISMISSED'],
};

describe('many cases at once through the whole stack', () => {
  it('carries 20 concurrent cases down four paths to their expected end, every history verifying, nothing sent twice', async () => {
    const paths = LIFECYCLE_PATHS.flatMap((path) => Array<LifecyclePath>(CASES_PER_PATH).fill(path));
    const clients = {
      reporter: await e2e.as('reporter', 'reporter-load'),
      officer: await e2e.as('officer', 'officer-load'),
      enforcer: await e2e.as('enforcer', 'enforcer-load'),
      auditor: await e2e.as('auditor', 'auditor-load'),
    };
    const driven = await driveLifecycles({
      clients,
      subdistrict: '负载街道',
      paths,
      legalNow: () => e2e.stack.clock.now(),
      concurrency: 8,
      timeoutMs: 90_000,
    });

    expect(driven.unexpected).toEqual([]);
    expect(driven.cases.map((c) => `${c.path} → ${c.status}`).sort()).toEqual(
      paths.map((p) => `${p} → ${EXPECTED_END[p]}`).sort(),
    );

    const verdicts = await verifyHistories(
      clients.auditor,
      driven.cases.map((c) => c.id),
    );
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
    for (const { id, types, events } of verdicts) {
      const path = driven.cases.find((c) => c.id === id)?.path as LifecyclePath;
      const counts = Object.fromEntries(ONCE[path].map((type) => [type, types.filter((t) => t === type).length]));
      expect({ id, path, counts }).toEqual({
        id,
        path,
        counts: Object.fromEntries(ONCE[path].map((type) => [type, 1])),
      });
      // No step failed and no step was missed under load.
      expect(
        events.filter((e) => e.type === 'TASK_FAILED' || e.type === 'EMAIL_FAILED' || e.type.endsWith('_OVERDUE')),
      ).toEqual([]);
    }
    expect(
      (await e2e.stack.store.listFlagged()).items.filter((f) => driven.cases.some((c) => c.id === f.caseId)),
    ).toEqual([]);

    // Every email reached the mailbox once: one per outbox id, and every case that got a notice has its copy.
    const mails = (await readMailbox(e2e.stack.ses.endpoint)).filter((m) =>
      driven.cases.some((c) => m.mailId?.startsWith(`${c.id}#`)),
    );
    expect(repeated(mails.map((m) => m.mailId ?? '(no id)'))).toEqual({});
    const noticed = driven.cases.filter((c) => c.path !== 'persuasion');
    for (const c of noticed)
      expect(
        mails.filter((m) => m.mailId?.startsWith(`${c.id}#notice-`) && m.mailId.includes('#notice-copy')),
      ).toHaveLength(1);
    const enforced = driven.cases.filter((c) => c.path === 'enforcement');
    for (const c of enforced) {
      expect(
        mails
          .filter((m) => m.mailId?.startsWith(`${c.id}#`))
          .map((m) => m.mailId?.split('#')[2])
          .sort(),
      ).toEqual(expect.arrayContaining(['enforcement-decided', 'enforcement-scheduled', 'escalation', 'notice-copy']));
    }
  }, 120_000);
});
