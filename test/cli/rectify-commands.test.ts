import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { RectifyApi } from '../../cli/api-client';
import { performAction } from '../../cli/case-actions';
import type { Role } from '#domain/vocabulary';
import type { ApiHarness } from '../api/support/harness';
import { startApiHarness } from '../api/support/harness';
import { CaseStates } from '../api/support/case-states';
import { cellsOf, runRectify } from './run-rectify';

let api: ApiHarness;
let states: CaseStates;
let dir: string;
const area = `命令街道-${randomUUID().slice(0, 6)}`;
const inArea = (address: string) => ({
  submission: { location: { subdistrict: area, community: '解放坡社区', address } },
});

beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-11-29T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  dir = mkdtempSync(path.join(os.tmpdir(), 'rectify-commands-'));
});
afterAll(async () => {
  await api.close();
});

async function rectify(role: Role, args: string[]) {
  return runRectify(
    { RECTIFY_API_URL: api.url, RECTIFY_TOKEN: await api.auth.issue({ role, sub: `${role}-commands` }) },
    args,
  );
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the API address and the token', () => {
  it('--help names the address setting and never prints the token', async () => {
    const token = await api.auth.issue({ role: 'officer', sub: 'officer-help' });
    const help = await runRectify({ RECTIFY_API_URL: api.url, RECTIFY_TOKEN: token }, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--api <url>.*RECTIFY_API_URL/s);
    expect(help.stdout).toMatch(/--token <jwt>.*RECTIFY_TOKEN/s);
    expect(help.stdout).not.toContain(token.slice(-24));
  });

  it('says which URL it tried and why when nothing answers there', async () => {
    const port = await closedPort();
    const token = await api.auth.issue({ role: 'officer', sub: 'officer-lost' });
    const lost = await runRectify({ RECTIFY_API_URL: `http://127.0.0.1:${port}`, RECTIFY_TOKEN: token }, [
      'show',
      'C-20261129-AAAAAA',
    ]);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain(`http://127.0.0.1:${port}/cases/C-20261129-AAAAAA`);
    expect(lost.stderr).toMatch(/connection refused/);
    expect(lost.stderr).toMatch(/from RECTIFY_API_URL/);
    expect(lost.stderr).not.toMatch(/^error: fetch failed$/m);

    const filtered = await runRectify({ RECTIFY_API_URL: `http://127.0.0.1:${port}`, RECTIFY_TOKEN: token }, [
      'list',
      '--subdistrict',
      '小龙坎街道',
    ]);
    expect(filtered.stderr).toContain(`http://127.0.0.1:${port}/cases?subdistrict=小龙坎街道`);

    const chosen = await runRectify({ RECTIFY_API_URL: `http://127.0.0.1:${port}`, RECTIFY_TOKEN: token }, [
      '--api',
      api.url,
      'show',
      'C-20261129-AAAAAA',
    ]);
    expect(chosen.stderr).toMatch(/404/);
  });

  it('asks for a token, saying how to get one', async () => {
    const none = await runRectify({ RECTIFY_API_URL: api.url }, ['show', 'C-20261129-AAAAAA']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/RECTIFY_TOKEN/);
  });
});

describe('the README', () => {
  it('shows every command with an example in its command line section', async () => {
    const help = await runRectify({}, ['--help']);
    const commands = [...help.stdout.slice(help.stdout.indexOf('Commands:')).matchAll(/^ {2}(\w+)/gm)]
      .map((m) => m[1]!)
      .filter((name) => name !== 'help');
    expect(commands).toEqual(
      expect.arrayContaining([
        'list',
        'attention',
        'inspect',
        'extend',
        'serve',
        'represent',
        'appeal',
        'dismiss',
        'enforce',
        'resume',
        'import',
      ]),
    );
    const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### The `rectify` command line'), readme.indexOf('## Deploy to AWS'));
    expect(section).toMatch(/--api <url>.*RECTIFY_API_URL/);
    expect(section).toMatch(/--token <jwt>.*RECTIFY_TOKEN/);
    expect(commands.filter((name) => !section.includes(`npx rectify ${name} `))).toEqual([]);
  });
});

describe('lists, reports and exports', () => {
  let noticed: Awaited<ReturnType<CaseStates['noticeIssued']>>;
  let reported: Awaited<ReturnType<CaseStates['reported']>>;
  beforeAll(async () => {
    reported = await states.reported(inArea('隆庆楼16号'));
    api.clock.advance(60_000);
    noticed = await states.noticeIssued(inArea('上土湾66号'));
  });

  it('list prints a table a person reads, one case a line; --json prints the items for scripts', async () => {
    const listed = await rectify('officer', ['list', '--subdistrict', area]);
    expect(listed.code).toBe(0);
    expect(() => JSON.parse(listed.stdout) as unknown).toThrow();
    const [header, ...lines] = listed.stdout.trimEnd().split('\n');
    expect(cellsOf(header!)).toEqual(expect.arrayContaining(['CASE', 'STATUS', 'ADDRESS', 'NOTICE', 'DUE (BEIJING)']));
    expect(lines).toHaveLength(2);
    const byId = new Map(lines.map((line) => [cellsOf(line)[0], cellsOf(line)]));
    expect(byId.get(reported.id)).toEqual(expect.arrayContaining(['REPORTED', '隆庆楼16号']));
    expect(byId.get(noticed.id)).toEqual(
      expect.arrayContaining(['NOTICE_ISSUED', '上土湾66号', noticed.notice!.number, '2026-12-07 23:59']),
    );

    const json = await rectify('officer', ['list', '--subdistrict', area, '--json']);
    expect((JSON.parse(json.stdout) as { id: string }[]).map((c) => c.id)).toEqual([reported.id, noticed.id]);
  });

  it('report prints a table without an index column', async () => {
    const report = await rectify('officer', ['report', '--subdistrict', area]);
    expect(report.code).toBe(0);
    expect(report.stdout).not.toContain('(index)');
    const [header, ...lines] = report.stdout.trimEnd().split('\n').map(cellsOf);
    expect(header!.slice(0, 3)).toEqual(['SUB-DISTRICT', 'COMMUNITY', 'REPORTED']);
    expect(lines).toContainEqual(expect.arrayContaining([area, '解放坡社区', '2']));
  });

  it('export --out writes the bytes the API sent: UTF-8 with its byte-order mark, notice numbers filled', async () => {
    const out = path.join(dir, 'cases.csv');
    const exported = await rectify('auditor', ['export', '--subdistrict', area, '--out', out]);
    expect(exported.code).toBe(0);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString('utf8')) as string[][];
    const notice = rows[0]!.indexOf('通知书编号 notice');
    expect(rows.slice(1).map((r) => [r[0], r[notice]])).toEqual([
      [reported.id, ''],
      [noticed.id, noticed.notice!.number],
    ]);
  });
});

describe('the officer and enforcer actions', () => {
  const legalNow = () => api.clock.now().toISOString();

  it('inspect records the result on the case as it was read and says what changed', async () => {
    const awaiting = await states.awaitingInspection(`token-${randomUUID()}`, inArea('石小路9号'));
    const inspected = await rectify('officer', [
      'inspect',
      awaiting.id,
      '--result',
      'not-demolished',
      '--inspector',
      '王科长',
      '--at',
      legalNow(),
    ]);
    expect(inspected.stderr).toBe('');
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain(`${awaiting.id}: AWAITING_INSPECTION → ESCALATED`);
    const stored = await api.store.getCase(awaiting.id);
    expect(stored?.status).toBe('ESCALATED');
    const events = [];
    for await (const event of api.store.allEvents(awaiting.id)) events.push(event);
    expect(events.at(-1)).toMatchObject({
      type: 'INSPECTION_RECORDED',
      actor: { role: 'officer' },
      data: { result: 'not-demolished', inspector: '王科长' },
    });
  });

  it('serve records the service with the written consent electronic service needs, and the deadline runs from it', async () => {
    const noticed = await states.noticeIssued({
      ...inArea('石小路15号'),
      issuedAt: new Date('2026-11-23T02:00:00Z'),
      deadlineDate: '2026-12-03',
    });
    const before = await rectify('officer', ['show', noticed.id]);
    expect(JSON.parse(before.stdout).unservedDocuments).toEqual(['notice']);
    const refused = await rectify('officer', [
      'serve',
      noticed.id,
      '--document',
      'notice',
      '--method',
      'electronic',
      '--on',
      '2026-11-24',
      '--receiver',
      '张某某',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('consent');
    const served = await rectify('officer', [
      'serve',
      noticed.id,
      '--document',
      'notice',
      '--method',
      'electronic',
      '--on',
      '2026-11-24',
      '--receiver',
      '张某某',
      '--consent-signed',
      '2026-11-20',
      '--consent-ref',
      '送达地址确认书 第7号',
    ]);
    expect(served.stderr).toBe('');
    expect(served.stdout).toContain(`${noticed.id}: NOTICE_ISSUED (unchanged)`);
    expect(served.stdout).not.toContain('not yet served');
    const stored = await api.store.getCase(noticed.id);
    expect(stored?.notice?.service).toMatchObject({
      method: 'electronic',
      servedOn: '2026-11-24',
      consent: { signedOn: '2026-11-20', reference: '送达地址确认书 第7号' },
    });
    // Ten days from Tuesday 11-24 end on Friday 12-04 (not 12-03, counted from the day of issue).
    expect(stored?.notice?.deadline.date).toBe('2026-12-04');
  });

  it('sends the version it read as If-Match', async () => {
    const noticed = await states.noticeIssued(inArea('石小路11号'));
    const sent: Headers[] = [];
    const recording = (async (url: URL, init?: RequestInit) => {
      sent.push(new Headers(init?.headers));
      return fetch(url, init);
    }) as typeof fetch;
    const client = new RectifyApi(
      api.url,
      await api.auth.issue({ role: 'officer', sub: 'officer-if-match' }),
      recording,
    );
    const outcome = await performAction(client, noticed.id, {
      path: 'extensions',
      body: { newDeadline: '2026-12-14', reason: '当事人申请延期', approver: '陈主任' },
    });
    expect(outcome.before?.version).toBe(noticed.version);
    expect(sent.map((h) => h.get('if-match'))).toEqual([null, `"${noticed.version}"`]);
    expect((await api.store.getCase(noticed.id))?.notice?.deadline.date).toBe('2026-12-14');
  });

  it('explains a version conflict in words and changes nothing', async () => {
    const noticed = await states.noticeIssued(inArea('石小路13号'));
    const stale = await rectify('officer', [
      'extend',
      noticed.id,
      '--until',
      '2026-12-14',
      '--reason',
      '当事人申请延期',
      '--approver',
      '陈主任',
      '--if-match',
      String(noticed.version - 1),
    ]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`case ${noticed.id} changed since version ${noticed.version - 1} was read`);
    expect(stale.stderr).toContain(`rectify show ${noticed.id}`);
    expect((await api.store.getCase(noticed.id))?.version).toBe(noticed.version);
  });

  it('explains an action the procedure does not allow now', async () => {
    const closed = await states.closed();
    const refused = await rectify('officer', [
      'inspect',
      closed.id,
      '--result',
      'demolished',
      '--inspector',
      '王科长',
      '--at',
      legalNow(),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`409 .*${closed.id} is CLOSED`));
    expect((await api.store.getCase(closed.id))?.version).toBe(closed.version);
  });

  it('names the bad field by its option and by the API field', async () => {
    const noticed = await states.noticeIssued(inArea('石小路15号'));
    const bad = await rectify('officer', [
      'extend',
      noticed.id,
      '--until',
      '2026-12-01',
      '--reason',
      '当事人申请延期',
      '--approver',
      '陈主任',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--until \(newDeadline\): must be later than the current deadline 2026-12-07/);
  });

  it('extend, represent, appeal file and resolve, dismiss and enforce each move the case as the procedure says', async () => {
    const noticed = await states.noticeIssued(inArea('解放坡1号'));
    expect(
      (
        await rectify('officer', [
          'extend',
          noticed.id,
          '--until',
          '2026-12-14',
          '--reason',
          '当事人申请延期',
          '--approver',
          '陈主任',
        ])
      ).code,
    ).toBe(0);
    expect((await api.store.getCase(noticed.id))?.notice).toMatchObject({
      deadline: { date: '2026-12-14' },
      extensionCount: 1,
    });

    const escalated = await states.escalated();
    const represented = await rectify('officer', [
      'represent',
      escalated.id,
      '--received',
      '2026-11-28',
      '--summary',
      '当事人称该建筑为临时堆放用',
      '--outcome',
      'rejected',
      '--response',
      '经核实为永久性加建，不予采纳',
    ]);
    expect(represented.stdout).toContain(`${escalated.id}: ESCALATED (unchanged)`);
    expect((await api.store.getCase(escalated.id))?.lastSeq).toBe(escalated.lastSeq + 1);

    const decided = await states.enforcementDecided();
    const filed = await rectify('officer', [
      'appeal',
      'file',
      decided.id,
      '--kind',
      'reconsideration',
      '--filed',
      '2026-11-28',
      '--authority',
      '沙坪坝区人民政府',
      '--reference',
      '沙府复〔2026〕12号',
    ]);
    expect(filed.stdout).toContain(`${decided.id}: ENFORCEMENT_DECIDED → ON_HOLD`);
    const resolved = await rectify('officer', [
      'appeal',
      'resolve',
      decided.id,
      '--outcome',
      'upheld',
      '--resolved',
      '2026-11-29',
      '--reference',
      '沙府复〔2026〕12号',
    ]);
    expect(resolved.stdout).toContain(`${decided.id}: ON_HOLD → ENFORCEMENT_DECIDED`);

    const reported = await states.reported();
    const dismissed = await rectify('officer', [
      'dismiss',
      reported.id,
      '--reason',
      'not-a-violation',
      '--explanation',
      '经核查该建筑已取得规划许可',
    ]);
    expect(dismissed.stdout).toContain(`${reported.id}: REPORTED → DISMISSED`);

    const scheduled = await states.enforcementScheduled(`token-${randomUUID()}`);
    const enforced = await rectify('enforcer', [
      'enforce',
      scheduled.id,
      '--team-lead',
      '赵队长',
      '--area-removed',
      '24',
      '--at',
      legalNow(),
      '--json',
    ]);
    expect(enforced.code).toBe(0);
    expect(JSON.parse(enforced.stdout)).toMatchObject({ id: scheduled.id, status: 'ENFORCED', areaRemovedM2: 24 });
  });

  it('refuses an enforcer an officer action with the API’s reason', async () => {
    const reported = await states.reported();
    const refused = await rectify('enforcer', [
      'dismiss',
      reported.id,
      '--reason',
      'withdrawn',
      '--explanation',
      '撤回',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/403 Your role may not do this/);
  });
});
