import { resolvePolicy } from '#domain/policy';
import type { LocalSes } from '#local/ses-local';
import { startLocalSes } from '#local/ses-local';
import type { E2eStack } from '../e2e/support';
import { eventually, startE2eStack } from '../e2e/support';
import { readMailbox } from '../support/mailbox';
import {
  EXPECTED_END,
  LIFECYCLE_PATHS,
  LOAD_POLICY,
  driveLifecycles,
  repeated,
  verifyHistories,
} from './support/lifecycle';
import { stackTable } from './support/stack-table';

/**
 * The mail service down for a whole lifecycle (docs/mail.md's guarantee, at the level of the whole
 * stack): the workflow does not wait for email, every email is recorded before it is sent and stays
 * pending through the outage, and once the service is back each is delivered exactly once — nothing lost,
 * nothing twice, no email counted as failed.
 */
let e2e: E2eStack;
let revived: LocalSes | undefined;
let table: ReturnType<typeof stackTable>;

beforeAll(async () => {
  e2e = await startE2eStack({
    clockFactor: 172_800,
    policy: resolvePolicy(LOAD_POLICY),
    mailSweepIntervalMs: 300,
    // Short rounds, so delivery resumes within seconds of the service coming back.
    mailRetry: { quickDelayMs: 20, roundDelayMs: 500, maxRoundDelayMs: 1_000 },
  });
  table = stackTable(e2e.stack);
}, 60_000);

afterAll(async () => {
  await revived?.stop();
  table?.close();
  await e2e?.dispose();
}, 30_000);

describe('the mail service down through whole lifecycles', () => {
  it('lets every case reach its end, keeps each email pending, then delivers each exactly once', async () => {
    await e2e.stack.ses.stop();
    const clients = {
      reporter: await e2e.as('reporter', 'reporter-mail-down'),
      officer: await e2e.as('officer'),
      enforcer: await e2e.as('enforcer'),
      auditor: await e2e.as('auditor'),
    };
    const driven = await driveLifecycles({
      clients,
      subdistrict: '停邮街道',
      paths: [...LIFECYCLE_PATHS],
      legalNow: () => e2e.stack.clock.now(),
      timeoutMs: 60_000,
    });
    expect(driven.unexpected).toEqual([]);
    expect(driven.cases.map((c) => [c.path, c.status])).toEqual(
      LIFECYCLE_PATHS.map((path) => [path, EXPECTED_END[path]]),
    );

    // Down all along: every email is recorded and pending, none sent.
    const recorded = async () => (await Promise.all(driven.cases.map((c) => table.outbox.listForCase(c.id)))).flat();
    const during = await recorded();
    expect(during.length).toBeGreaterThanOrEqual(8);
    // Pending, or being tried again by the sweep at this moment; none sent, none given up on.
    expect(during.filter((m) => m.status !== 'PENDING' && m.status !== 'SENDING')).toEqual([]);
    expect(during.every((m) => m.attempts >= 1)).toBe(true);
    const kinds = (caseId: string) => during.filter((m) => m.caseId === caseId).map((m) => m.kind);
    const enforced = driven.cases.find((c) => c.path === 'enforcement')?.id as string;
    expect(kinds(enforced)).toEqual(
      expect.arrayContaining([
        'notice-copy',
        'notice-to-party',
        'escalation',
        'enforcement-decided',
        'enforcement-scheduled',
      ]),
    );

    revived = await startLocalSes({ port: e2e.stack.ses.port, dataDir: e2e.dataDir });
    const delivered = await eventually(
      'every recorded email to be sent',
      async () => {
        const now = await recorded();
        return now.every((m) => m.status === 'SENT') ? now : undefined;
      },
      30_000,
      250,
    );
    // The same emails, no new ones: what was recorded during the outage is what went out.
    expect(delivered.map((m) => m.id).sort()).toEqual(during.map((m) => m.id).sort());

    const mails = (await readMailbox(revived.endpoint)).filter((m) =>
      driven.cases.some((c) => m.mailId?.startsWith(`${c.id}#`)),
    );
    expect(repeated(mails.map((m) => m.mailId ?? '(no id)'))).toEqual({});
    expect(mails.map((m) => m.mailId).sort()).toEqual(delivered.map((m) => m.id).sort());

    const verdicts = await verifyHistories(
      clients.auditor,
      driven.cases.map((c) => c.id),
    );
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
    expect(
      verdicts.flatMap((v) => v.events.filter((e) => e.type === 'EMAIL_FAILED' || e.type === 'TASK_FAILED')),
    ).toEqual([]);
  }, 120_000);
});
