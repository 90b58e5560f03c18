import type { Role } from '#domain/vocabulary';
import type { ApiHarness } from '../api/support/harness';
import { startApiHarness } from '../api/support/harness';
import { CaseStates } from '../api/support/case-states';
import { cellsOf, runRectify } from './run-rectify';

let api: ApiHarness;
let states: CaseStates;
beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-11-29T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
});
afterAll(async () => {
  await api.close();
});

async function rectify(role: Role, args: string[]) {
  return runRectify(
    { RECTIFY_API_URL: api.url, RECTIFY_TOKEN: await api.auth.issue({ role, sub: `${role}-attention` }) },
    args,
  );
}

/** A case whose intake step failed for good, on the attention list as the failing task puts it there. */
async function flaggedCase() {
  const failed = await states.failedAtIntake();
  await api.store.flagForAttention(failed.id, failed.attention!.reason, failed.attention!.at);
  return failed;
}

describe('rectify attention and resume', () => {
  it('attention lists the flagged cases as a table with the reason; --json for scripts', async () => {
    const flagged = await flaggedCase();
    const listed = await rectify('auditor', ['attention']);
    expect(listed.code).toBe(0);
    const [header, ...lines] = listed.stdout.trimEnd().split('\n').map(cellsOf);
    expect(header).toEqual(['CASE', 'STATUS', 'SUB-DISTRICT', 'ADDRESS', 'FLAGGED (BEIJING)', 'REASON']);
    expect(lines).toContainEqual([
      flagged.id,
      'REPORTED',
      flagged.location.subdistrict,
      flagged.location.address,
      '2026-11-29 10:00',
      'workflow step failed: States.Timeout',
    ]);

    const json = await rectify('officer', ['attention', '--json']);
    expect(JSON.parse(json.stdout)).toContainEqual(
      expect.objectContaining({ id: flagged.id, attention: flagged.attention }),
    );
  });

  it('resume restarts the workflow of a flagged case on the version read, records why, and takes it off the list', async () => {
    const flagged = await flaggedCase();
    const resumed = await rectify('officer', ['resume', flagged.id, '--reason', '邮件服务已恢复']);
    expect(resumed.stderr).toBe('');
    expect(resumed.stdout).toContain(`${flagged.id}: REPORTED (unchanged)`);
    const events = [];
    for await (const event of api.store.allEvents(flagged.id)) events.push(event);
    expect(events.at(-1)).toMatchObject({
      type: 'WORKFLOW_RESUMED',
      actor: { role: 'officer' },
      data: expect.objectContaining({ reason: '邮件服务已恢复' }),
    });
    expect(api.engine.executions.some((name) => name.startsWith(`${flagged.id}--resume--`))).toBe(true);

    const after = await rectify('officer', ['attention', '--json']);
    expect((JSON.parse(after.stdout) as { id: string }[]).map((c) => c.id)).not.toContain(flagged.id);
  });

  it('refuses resume to an auditor, and explains a case that has nothing to resume', async () => {
    const flagged = await flaggedCase();
    const auditor = await rectify('auditor', ['resume', flagged.id, '--reason', '试试']);
    expect(auditor.code).toBe(1);
    expect(auditor.stderr).toMatch(/answered 403 Your role may not do this/);

    const closed = await states.closed();
    const nothing = await rectify('officer', ['resume', closed.id, '--reason', '试试']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(
      new RegExp(`409 the procedure does not allow this now: case ${closed.id} is CLOSED`),
    );
  });
});
