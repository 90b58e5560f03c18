import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { freePort } from '#local/dynamodb-local';
import { localAuth } from '#local/local-auth';
import type { Client } from '../api/support/harness';
import { client } from '../api/support/harness';
import { eventually } from '../e2e/support';
import { seedSubmission } from '../fixtures/submissions';
import type { ChildStack } from './support/child-stack';
import { dynamoDbLocalsOn, startChildStack } from './support/child-stack';
import { listArea, repeated, verifyHistories } from './support/lifecycle';

/**
 * kill -9 of the whole local stack (its process group and its DynamoDB Local at once) during a burst of
 * submissions, then `npm start` again on the same data folder: every case answered 201 before the kill
 * is there, with a history that verifies; every submission, answered or cut off, replayed with its
 * Idempotency-Key gives one case, never a second. (DynamoDB Local commits each write to SQLite with a
 * rollback journal and fsync before it answers: docs/reliability.md › Durability of the local stack.)
 */
const SUBDISTRICT = '断电街道';
const SUBMITTERS = 6;
/** Submissions answered before the kill: enough that the kill lands in a steady burst. */
const ANSWERED_BEFORE_KILL = 30;

let dataDir: string;
let stack: ChildStack | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-kill-burst-'));
});
afterAll(async () => {
  await stack?.kill();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

interface Sent {
  key: string;
  body: ReturnType<typeof seedSubmission>;
  /** The case id of a 201 read before the kill was sent. */
  answeredId?: string;
}

describe('the whole local stack killed with SIGKILL during a burst of submissions', () => {
  it('keeps every case it answered 201; a replay of any submission gives the one case', async () => {
    const ports = { port: await freePort(), mailPort: await freePort() };
    stack = await startChildStack({ dataDir, clockFactor: 17_280, ...ports });
    const auth = await localAuth(dataDir);
    const as = async (role: 'reporter' | 'auditor', base: string): Promise<Client> =>
      client(base, await auth.issue({ role, sub: `${role}-kill-burst` }));
    const reporter = await as('reporter', stack.apiUrl);
    const today = shanghaiDateOf(stack.savedLegalTime());

    const sent: Sent[] = [];
    let killing = false;
    let answered = 0;
    const submitters = Array.from({ length: SUBMITTERS }, async () => {
      while (!killing) {
        const entry: Sent = {
          key: randomUUID(),
          body: seedSubmission({
            discoveredOn: today,
            location: { subdistrict: SUBDISTRICT, community: '解放坡社区', address: `断电路${sent.length + 1}号` },
          }),
        };
        sent.push(entry);
        const answer = await reporter
          .post('/cases', entry.body, { 'idempotency-key': entry.key })
          .catch(() => undefined);
        // Only what was read before the kill was sent counts as answered before it.
        if (!killing && answer?.status === 201) {
          entry.answeredId = answer.body.id as string;
          answered += 1;
        }
        if (!answer) return;
      }
    });
    await eventually(
      `${ANSWERED_BEFORE_KILL} submissions answered 201`,
      async () => (answered >= ANSWERED_BEFORE_KILL ? true : undefined),
      60_000,
      10,
    );
    killing = true;
    await stack.kill();
    await Promise.all(submitters);
    expect(dynamoDbLocalsOn(dataDir)).toEqual([]);

    stack = await startChildStack({ dataDir, clockFactor: 17_280, ...ports });
    const reporterAgain = await as('reporter', stack.apiUrl);
    const auditor = await as('auditor', stack.apiUrl);

    const acknowledged = sent.filter((s) => s.answeredId);
    expect(acknowledged.length).toBeGreaterThanOrEqual(ANSWERED_BEFORE_KILL);
    const missing: string[] = [];
    for (const { answeredId } of acknowledged) {
      const found = await auditor.get(`/cases/${answeredId}`);
      if (found.status !== 200) missing.push(`${answeredId}: ${found.status}`);
    }
    expect(missing).toEqual([]);

    // Every submission replayed: one case per key, the same one for those answered before the kill.
    const replayedIds = new Map<string, string>();
    for (const entry of sent) {
      const answer = await eventually(
        `the replay of ${entry.key} to be answered`,
        async () => {
          const replay = await reporterAgain.post('/cases', entry.body, { 'idempotency-key': entry.key });
          return replay.status === 409 || replay.status === 503 ? undefined : replay;
        },
        30_000,
        250,
      );
      expect({
        key: entry.key,
        status: answer.status,
        sameCase: !entry.answeredId || answer.body.id === entry.answeredId,
      }).toEqual({ key: entry.key, status: 201, sameCase: true });
      replayedIds.set(entry.key, answer.body.id as string);
    }
    expect(repeated([...replayedIds.values()])).toEqual({});
    const listed = await listArea(auditor, SUBDISTRICT);
    expect(listed.map((c) => c.id).sort()).toEqual([...replayedIds.values()].sort());

    const verdicts = await verifyHistories(
      auditor,
      acknowledged.map((s) => s.answeredId as string),
    );
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);

    await stack.stop();
    stack = undefined;
  }, 300_000);
});
