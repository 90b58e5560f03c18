import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { Client, HttpAnswer } from '../api/support/harness';
import type { E2eStack } from '../e2e/support';
import { eventually, mailbox, startE2eStack } from '../e2e/support';
import { runRectify } from './run-rectify';

/**
 * The README's "Your first case" walkthrough, run as written against the whole local stack — on a legal
 * clock that has run three months ahead of the wall clock, as it has on any laptop where `npm start` ran
 * for a while. The request bodies and `rectify` commands are read from the README itself.
 */

const README = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
const section = README.slice(README.indexOf('### Your first case'), README.indexOf('## The lifecycle'));
const shellBlocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** The JSON a `curl … -d '…'` in the walkthrough sends. */
function curlBody(urlPart: string): unknown {
  const block = shellBlocks.find((b) => b.includes(urlPart));
  if (!block) throw new Error(`the README walkthrough has no curl call to ${urlPart}`);
  return JSON.parse(/-d '([\s\S]*?)'/.exec(block)![1]!);
}

/** The arguments of each `npx rectify …` line of the walkthrough, `$CASE` and `$TODAY` filled in. */
function rectifyLines(caseId: string, today: string): string[][] {
  return shellBlocks
    .flatMap((b) => b.split('\n'))
    .filter((line) => line.startsWith('npx rectify '))
    .map((line) =>
      line
        .replace(/#.*$/, '')
        .trim()
        .split(/\s+/)
        .slice(2)
        .map((word) => word.replace('$CASE', caseId).replace('$TODAY', today)),
    );
}

let e2e: E2eStack;
beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-readme-'));
  writeFileSync(
    path.join(dataDir, 'clock.json'),
    JSON.stringify({ legalMs: Date.now() + 90 * 86_400_000, factor: 100_000 }),
  );
  e2e = await startE2eStack({ dataDir });
}, 60_000);
afterAll(async () => {
  await e2e?.dispose();
}, 30_000);

async function caseIn(officer: Client, id: string, status: string): Promise<HttpAnswer> {
  return eventually(
    `case ${id} to reach ${status}`,
    async () => {
      const answer = await officer.get(`/cases/${id}`);
      return answer.body.status === status ? answer : undefined;
    },
    60_000,
  );
}

describe("the README's first case", () => {
  it('goes from the submission to a notice in the mailbox, and closes after the inspection the README records', async () => {
    const reporter = await e2e.as('reporter', 'reporter-readme');
    const officer = await e2e.as('officer', 'officer-readme');
    const submission = curlBody('/cases \\');
    const created = await reporter.post('/cases', submission, { 'idempotency-key': 'first-case-1' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const noticed = await caseIn(officer, id, 'NOTICE_ISSUED');
    const noticeNumber = noticed.body.notice.number as string;
    const copy = await eventually('the notice copy in the mailbox', async () =>
      (await mailbox(e2e.stack)).find((m) => m.subject.includes(noticeNumber)),
    );
    expect(copy.destination.to).toEqual(['xiaolongkan-office@rectify.local']);

    const env = {
      RECTIFY_API_URL: e2e.stack.apiUrl,
      RECTIFY_TOKEN: await e2e.stack.auth.issue({ role: 'officer', sub: 'officer-readme' }),
    };
    const lines = rectifyLines(id, shanghaiDateOf(e2e.stack.clock.now()));
    expect(lines.map((args) => args[0])).toEqual(['serve', 'show', 'history', 'inspect']);
    const runs = [];
    for (const args of lines) {
      // The inspection comes once the deadline counted from the service has passed.
      if (args[0] === 'show') await caseIn(officer, id, 'AWAITING_INSPECTION');
      runs.push({ args, ...(await runRectify(env, args)) });
    }
    expect(runs.map(({ args, code, stderr }) => ({ args, code, stderr }))).toEqual(
      lines.map((args) => ({ args, code: 0, stderr: '' })),
    );
    const [served, shown, history, inspected] = runs;
    expect(served!.stdout).toContain(`${id}: NOTICE_ISSUED (unchanged)`);
    expect(served!.stdout).not.toContain('not yet served');
    expect(JSON.parse(shown!.stdout)).toMatchObject({ id, status: 'AWAITING_INSPECTION' });
    expect(JSON.parse(history!.stdout)).toMatchObject({ verification: { ok: true } });
    expect(inspected!.stdout).toContain(`${id}: AWAITING_INSPECTION → SELF_DEMOLISHED`);
    const closed = await caseIn(officer, id, 'CLOSED');
    expect(closed.body.areaRemovedM2).toBe(120);
  }, 120_000);

  it("dates the README's inspection by the legal clock, never before the case was reported", async () => {
    const reporter = await e2e.as('reporter', 'reporter-readme');
    const officer = await e2e.as('officer', 'officer-readme');
    const created = await reporter.post('/cases', curlBody('/cases \\'), { 'idempotency-key': 'first-case-2' });
    const id = created.body.id as string;
    await caseIn(officer, id, 'NOTICE_ISSUED');
    const served = await officer.post(`/cases/${id}/service`, {
      document: 'notice',
      method: 'direct',
      servedOn: shanghaiDateOf(e2e.stack.clock.now()),
      receiver: '张某某',
    });
    expect(served.status).toBe(200);
    await caseIn(officer, id, 'AWAITING_INSPECTION');

    const inspected = await officer.post(`/cases/${id}/inspections`, curlBody('/inspections'));
    expect(inspected.status).toBe(200);
    await caseIn(officer, id, 'CLOSED');
    const history = await officer.get(`/cases/${id}/history?limit=200`);
    const recorded = (history.body.items as { type: string; data: { inspectedAt?: string } }[]).find(
      (e) => e.type === 'INSPECTION_RECORDED',
    );
    expect(Date.parse(recorded!.data.inspectedAt!)).toBeGreaterThanOrEqual(
      Date.parse(created.body.reportedAt as string),
    );
    expect(Date.parse(recorded!.data.inspectedAt!)).toBeGreaterThan(Date.now() + 80 * 86_400_000);
  }, 120_000);
});
