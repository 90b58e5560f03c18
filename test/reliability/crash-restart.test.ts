import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { freePort } from '#local/dynamodb-local';
import { localAuth } from '#local/local-auth';
import type { Client } from '../api/support/harness';
import { client } from '../api/support/harness';
import { eventually } from '../e2e/support';
import { seedSubmission } from '../fixtures/submissions';
import { readMailbox } from '../support/mailbox';
import type { ChildStack } from './support/child-stack';
import { dynamoDbLocalsOn, startChildStack } from './support/child-stack';
import type { DrivenCase } from './support/lifecycle';
import { driveToEnd, listArea, repeated, verifyHistories } from './support/lifecycle';

/**
 * `npm start` killed with SIGKILL (the stack and its DynamoDB Local at once, no shutdown code) while
 * cases wait on their deadlines and for people, then started again on the same data folder: every open
 * case resumes, every deadline fires exactly once, no notice number and no email is issued twice, and
 * every history verifies. The stack runs as a process of its own with the default policy.
 */
/** One legal day in 0.86 s: a 15-day notice deadline passes in about 13 s, a 7-day persuasion in 6 s. */
const CLOCK_FACTOR = 100_000;
const SUBDISTRICT = '重启街道';
const CASES = [
  { category: 'other', severity: 'moderate' },
  { category: 'unit-internal', severity: 'minor' },
  { category: 'resident-built', severity: 'moderate' },
  { category: 'resident-built', severity: 'serious' },
  { category: 'other', severity: 'serious' },
] as const;

let dataDir: string;
let stack: ChildStack | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-crash-'));
});
afterAll(async () => {
  await stack?.kill();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

/** The events that mark a deadline or a step of the workflow; each may happen only once per case here. */
const ONCE = [
  'CASE_REPORTED',
  'PERSUASION_STARTED',
  'PERSUASION_EXPIRED',
  'NOTICE_ISSUED',
  'REMINDER_SENT',
  'INSPECTION_OPENED',
  'INSPECTION_RECORDED',
  'CASE_CLOSED',
];

describe('the local stack killed mid-lifecycle and started again', () => {
  it('resumes every open case; every deadline fires once; no notice number or email twice', async () => {
    const ports = { port: await freePort(), mailPort: await freePort() };
    stack = await startChildStack({ dataDir, clockFactor: CLOCK_FACTOR, ...ports });
    const auth = await localAuth(dataDir);
    const as = async (role: 'reporter' | 'officer' | 'enforcer' | 'auditor', base: string): Promise<Client> =>
      client(base, await auth.issue({ role, sub: `${role}-crash` }));
    const reporter = await as('reporter', stack.apiUrl);
    const auditor = await as('auditor', stack.apiUrl);

    const today = shanghaiDateOf(stack.savedLegalTime());
    const cases: DrivenCase[] = [];
    for (const [index, { category, severity }] of CASES.entries()) {
      const key = randomUUID();
      const created = await reporter.post(
        '/cases',
        seedSubmission({
          category,
          severity,
          discoveredOn: today,
          location: { subdistrict: SUBDISTRICT, community: '解放坡社区', address: `石小路${index + 1}号` },
        }),
        { 'idempotency-key': key },
      );
      expect(created.status).toBe(201);
      // Driven as self-demolition: nobody answers the persuasion, so it expires into a notice.
      cases.push({ id: created.body.id, path: 'self-demolition', idempotencyKey: key });
    }

    // Mid-lifecycle: every case waits, on its notice deadline or for the persuasion result.
    await eventually(
      'every case to wait on a deadline or a person',
      async () => {
        const listed = await listArea(auditor, SUBDISTRICT);
        return listed.length === CASES.length &&
          listed.every((c) => c.status === 'NOTICE_ISSUED' || c.status === 'PERSUASION')
          ? listed
          : undefined;
      },
      30_000,
      100,
    );
    // The mailbox page keeps what it received in its data folder every second: let it, then kill.
    await sleep(1_500);
    const mailedBefore = (await readMailbox(stack.mailEndpoint)).filter((m) =>
      cases.some((c) => m.mailId?.startsWith(`${c.id}#`)),
    );
    expect(mailedBefore.length).toBeGreaterThanOrEqual(3);
    await stack.kill();
    const first = stack.output();
    await sleep(500);

    stack = await startChildStack({ dataDir, clockFactor: CLOCK_FACTOR, ...ports });
    // Ours and the seed community's demo cases that are still open.
    expect(Number(/Resumed +(\d+) open workflow execution/.exec(stack.output())?.[1])).toBeGreaterThanOrEqual(
      CASES.length,
    );
    const auditorAgain = await as('auditor', stack.apiUrl);
    const driven = await driveToEnd(
      {
        clients: {
          reporter: await as('reporter', stack.apiUrl),
          officer: await as('officer', stack.apiUrl),
          enforcer: await as('enforcer', stack.apiUrl),
          auditor: auditorAgain,
        },
        subdistrict: SUBDISTRICT,
        legalNow: () => (stack as ChildStack).savedLegalTime(),
        roundMs: 200,
        timeoutMs: 90_000,
      },
      cases,
    );
    expect(driven.unexpected).toEqual([]);
    expect(driven.cases.map((c) => c.status)).toEqual(CASES.map(() => 'CLOSED'));

    const verdicts = await verifyHistories(
      auditorAgain,
      cases.map((c) => c.id),
    );
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
    for (const { id, types } of verdicts) {
      const counts = Object.fromEntries(
        ONCE.map((type) => [type, types.filter((t) => t === type).length]).filter(([, n]) => (n as number) > 1),
      );
      expect({ id, twice: counts }).toEqual({ id, twice: {} });
      expect(types).toEqual(
        expect.arrayContaining(['NOTICE_ISSUED', 'REMINDER_SENT', 'INSPECTION_OPENED', 'CASE_CLOSED']),
      );
      expect(types.filter((t) => t === 'TASK_FAILED' || t === 'EMAIL_FAILED')).toEqual([]);
    }
    const numbers = await Promise.all(
      cases.map(async (c) => (await auditorAgain.get(`/cases/${c.id}`)).body.notice?.number as string),
    );
    expect(numbers.every((n) => /^RN-\d{4}-\d{6}$/.test(n))).toBe(true);
    expect(repeated(numbers)).toEqual({});

    // Every email once: the mailbox from before the kill and the one after, by outbox id.
    const mailedAfter = (await readMailbox(stack.mailEndpoint)).filter((m) =>
      cases.some((c) => m.mailId?.startsWith(`${c.id}#`)),
    );
    const byMessage = new Map([...mailedBefore, ...mailedAfter].map((m) => [m.messageId, m]));
    const ids = [...byMessage.values()].map((m) => m.mailId ?? '(no id)');
    expect(repeated(ids)).toEqual({});
    // Each reminder once, as the outbox recorded it (the mailbox page may lose what arrived in the last
    // second before a SIGKILL: docs/reliability.md › Limits).
    for (const c of cases) {
      const emails = await auditorAgain.get(`/cases/${c.id}/emails`);
      const reminders = (emails.body.items as { kind: string; status: string }[]).filter((e) => e.kind === 'reminder');
      expect(reminders.map((e) => e.status)).toEqual(reminders.map(() => 'SENT'));
      expect(
        new Set(ids.filter((id) => id.startsWith(`${c.id}#`) && id.includes('#reminder'))).size,
      ).toBeLessThanOrEqual(reminders.length);
      expect(reminders).toHaveLength(1);
    }
    expect(first).not.toMatch(/unhandled|TypeError/i);

    await stack.stop();
    stack = undefined;
  }, 240_000);
});

describe('the stack’s Node process killed alone', () => {
  it('leaves a DynamoDB Local behind that the next start stops, so one runs on the data folder', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rectify-orphan-'));
    const ports = { port: await freePort(), mailPort: await freePort() };
    let running: ChildStack | undefined;
    try {
      running = await startChildStack({ dataDir: folder, clockFactor: CLOCK_FACTOR, ...ports });
      const [java] = dynamoDbLocalsOn(folder);
      expect(java).toBeGreaterThan(0);
      // kill -9 of the Node processes only (not the process group): no exit handler runs.
      const group = execFileSync('ps', ['-A', '-o', 'pid=,pgid=,args='], { encoding: 'utf8' })
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter(([, pgid, command]) => Number(pgid) === running?.process.pid && !command?.includes('java'))
        .map(([pid]) => Number(pid));
      for (const pid of group) process.kill(pid, 'SIGKILL');
      await eventually('the stack to be gone', async () =>
        running?.process.exitCode !== null || running?.process.signalCode !== null ? true : undefined,
      );
      expect(dynamoDbLocalsOn(folder)).toEqual([java]);

      running = await startChildStack({ dataDir: folder, clockFactor: CLOCK_FACTOR, ...ports });
      const after = dynamoDbLocalsOn(folder);
      expect(after).toHaveLength(1);
      expect(after).not.toContain(java);
      await running.stop();
      running = undefined;
      expect(dynamoDbLocalsOn(folder)).toEqual([]);
    } finally {
      await running?.kill();
      for (const pid of dynamoDbLocalsOn(folder)) process.kill(pid, 'SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
