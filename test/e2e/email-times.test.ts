import { randomUUID } from 'node:crypto';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { seedSubmission } from '../fixtures/submissions';
import type { E2eStack } from './support';
import { eventually, startE2eStack } from './support';

/**
 * The local stack runs an accelerated legal clock: a case's events are days ahead of the wall clock within
 * seconds. Its emails are stamped by the same clock, so the case page reads one time line.
 */

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack();
}, 180_000);
afterAll(async () => {
  await e2e?.dispose();
}, 30_000);

/** A day of legal time: under a second of wall time at the end-to-end tests' clock factor. */
const LEGAL_DAY_MS = 86_400_000;

describe('the times of a case’s emails', () => {
  it('come from the legal clock that stamps the case’s events', async () => {
    // The legal clock well ahead of the wall clock, so the two cannot be mistaken for one another.
    await eventually('the legal clock to run three days ahead', async () =>
      e2e.stack.clock.now().getTime() - Date.now() > 3 * LEGAL_DAY_MS ? true : undefined,
    );
    const reporter = await e2e.as('reporter', 'times-reporter');
    const submitted = await reporter.post(
      '/cases',
      seedSubmission({
        discoveredOn: shanghaiDateOf(e2e.stack.clock.now()),
        category: 'unit-internal',
        location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '石小路9号 时间测试' },
      }),
      { 'idempotency-key': randomUUID() },
    );
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    const officer = await e2e.as('officer', 'times-officer');
    const copy = await eventually('the notice copy to be sent', async () => {
      const emails = await officer.get(`/cases/${id}/emails`);
      return (emails.body.items as { kind: string; status: string; createdAt: string; sentAt?: string }[]).find(
        (mail) => mail.kind === 'notice-copy' && mail.status === 'SENT',
      );
    });
    const history = await officer.get(`/cases/${id}/history`);
    const notice = (history.body.items as { type: string; at: string }[]).find((e) => e.type === 'NOTICE_ISSUED');
    expect(notice).toBeDefined();
    const noticeAt = Date.parse(notice!.at);
    // Recorded by the task that issued the notice and sent straight after it: within a day (or two) of legal
    // time, not the days the wall clock lags behind.
    expect(Math.abs(Date.parse(copy.createdAt) - noticeAt)).toBeLessThan(LEGAL_DAY_MS);
    expect(Date.parse(copy.sentAt!) - Date.parse(copy.createdAt)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(copy.sentAt!) - noticeAt).toBeLessThan(2 * LEGAL_DAY_MS);
  });
});
