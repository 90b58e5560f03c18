import { randomUUID } from 'node:crypto';
import type { ApiHarness, Client } from './support/harness';
import { startApiHarness } from './support/harness';
import { CaseStates } from './support/case-states';

let api: ApiHarness;
let states: CaseStates;
let officer: Client;
let enforcer: Client;
beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  officer = await api.as('officer', 'officer-1');
  enforcer = await api.as('enforcer', 'enforcer-1');
});
afterAll(async () => {
  await api.close();
});

const inspection = (overrides: Record<string, unknown> = {}) => ({
  result: 'demolished',
  inspectedAt: '2026-12-09T02:03:00Z',
  inspector: '王科员',
  notes: '已自行拆除',
  ...overrides,
});

describe('inspections', () => {
  it('records the result, answers the waiting inspection step and clears it', async () => {
    const token = randomUUID();
    const record = await states.awaitingInspection(token);
    api.engine.openStep(token);
    const answer = await officer.post(
      `/cases/${record.id}/inspections`,
      inspection({ areaRemovedM2: 24, expectedVersion: record.version }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'SELF_DEMOLISHED', version: record.version + 1, areaRemovedM2: 24 });
    expect(answer.body.pendingCallback).toBeUndefined();
    expect(answer.body.dueAt).toBeUndefined();
    expect(answer.headers.get('etag')).toBe(`"${record.version + 1}"`);
    expect(api.engine.answered).toContainEqual({
      token,
      output: { outcome: 'demolished', eventSeq: record.lastSeq + 1 },
    });
    const stored = await api.store.getCase(record.id);
    expect(stored?.pendingCallback).toBeUndefined();
    const events = (await api.store.history(record.id)).items;
    expect(events.at(-1)).toMatchObject({
      type: 'INSPECTION_RECORDED',
      actor: { sub: 'officer-1', role: 'officer' },
      data: { result: 'demolished', areaRemovedM2: 24 },
    });
  });

  it('never shows the task token to API clients', async () => {
    const token = randomUUID();
    const record = await states.awaitingInspection(token);
    const answer = await officer.get(`/cases/${record.id}`);
    expect(answer.body.pendingCallback).toMatchObject({ kind: 'inspection' });
    expect(JSON.stringify(answer.body)).not.toContain(token);
  });

  it('lets the reporting community record the persuasion result on its own case only', async () => {
    const token = randomUUID();
    const record = await states.inPersuasion(token, { reporterSub: 'reporter-mine' });
    api.engine.openStep(token);
    const stranger = await (
      await api.as('reporter', 'reporter-stranger')
    ).post(`/cases/${record.id}/inspections`, inspection({ result: 'not-demolished' }));
    expect(stranger.status).toBe(404);
    const mine = await (
      await api.as('reporter', 'reporter-mine')
    ).post(`/cases/${record.id}/inspections`, inspection({ result: 'not-demolished' }));
    expect(mine.status).toBe(200);
    expect(mine.body.status).toBe('PERSUASION');
    expect(api.engine.answered).toContainEqual({
      token,
      output: { outcome: 'not-demolished', eventSeq: record.lastSeq + 1 },
    });
  });

  it('refuses a reporter at the inspection after the notice deadline (403) and an officer on a closed case (409)', async () => {
    const awaiting = await states.awaitingInspection(randomUUID(), { reporterSub: 'reporter-mine' });
    const reporter = await api.as('reporter', 'reporter-mine');
    const refused = await reporter.post(`/cases/${awaiting.id}/inspections`, inspection());
    expect(refused.status).toBe(403);
    const closed = await states.closed();
    const late = await officer.post(`/cases/${closed.id}/inspections`, inspection());
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({
      type: 'urn:rectify:problem:transition-not-allowed',
      currentVersion: closed.version,
    });
    expect(late.body.reason).toContain('CLOSED');
    expect((await api.store.getCase(closed.id))?.version).toBe(closed.version);
  });

  it('answers 409 for a stale expectedVersion or If-Match and 400 when they disagree', async () => {
    const record = await states.awaitingInspection(randomUUID());
    const staleBody = await officer.post(
      `/cases/${record.id}/inspections`,
      inspection({ expectedVersion: record.version - 1 }),
    );
    expect(staleBody.status).toBe(409);
    expect(staleBody.body).toMatchObject({
      type: 'urn:rectify:problem:version-conflict',
      currentVersion: record.version,
    });
    const staleHeader = await officer.post(`/cases/${record.id}/inspections`, inspection(), {
      'if-match': `"${record.version - 1}"`,
    });
    expect(staleHeader.status).toBe(409);
    const disagree = await officer.post(
      `/cases/${record.id}/inspections`,
      inspection({ expectedVersion: record.version }),
      { 'if-match': `"${record.version - 1}"` },
    );
    expect(disagree.status).toBe(400);
    expect(disagree.body.errors).toEqual([expect.objectContaining({ field: 'If-Match', in: 'header' })]);
    const current = await officer.post(`/cases/${record.id}/inspections`, inspection(), {
      'if-match': `"${record.version}"`,
    });
    expect(current.status).toBe(200);
  });

  it('keeps the action when the engine cannot be told, and flags the case for attention', async () => {
    const token = randomUUID();
    const record = await states.awaitingInspection(token);
    api.engine.openStep(token);
    api.engine.fail.callback = new Error('engine unreachable');
    try {
      const answer = await officer.post(`/cases/${record.id}/inspections`, inspection({ result: 'not-demolished' }));
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('ESCALATED');
    } finally {
      api.engine.fail.callback = undefined;
    }
    const flagged = await api.store.listFlagged({ limit: 100 });
    expect(flagged.items.map((f) => f.caseId)).toContain(record.id);
  });
});

describe('service (送达)', () => {
  const served = (overrides: Record<string, unknown> = {}) => ({
    document: 'notice',
    method: 'direct',
    servedOn: '2026-12-04',
    receiver: '张某某（本人）',
    receiptReference: '沙龙送〔2026〕0031号',
    ...overrides,
  });
  const shanghai = (local: string) => new Date(`${local}+08:00`);

  it('counts the notice deadline again from the recorded service date, not from the day of issue', async () => {
    // Issued Tuesday 12-01: ten days as if served that day end Friday 12-11.
    const record = await states.noticeIssued({ issuedAt: shanghai('2026-12-01T10:00:00'), deadlineDate: '2026-12-11' });
    expect((await officer.get(`/cases/${record.id}`)).body.notice.service).toBeUndefined();
    const answer = await officer.post(`/cases/${record.id}/service`, served({ expectedVersion: record.version }));
    expect(answer.status).toBe(200);
    // Served Friday 12-04: ten days end Monday 12-14.
    expect(answer.body.notice.deadline).toEqual({
      date: '2026-12-14',
      at: '2026-12-14T15:59:59.999Z',
      provisional: false,
    });
    expect(answer.body.deadlines.notice.date).toBe('2026-12-14');
    expect(answer.body.dueAt).toBe('2026-12-14T15:59:59.999Z');
    expect(answer.body.notice.service).toMatchObject({
      method: 'direct',
      servedOn: '2026-12-04',
      effectiveOn: '2026-12-04',
      receiver: '张某某（本人）',
    });
    const events = (await api.store.history(record.id)).items;
    expect(events.at(-1)).toMatchObject({
      type: 'SERVICE_RECORDED',
      actor: { sub: 'officer-1', role: 'officer' },
      data: { document: 'notice', previousDeadline: { date: '2026-12-11' }, deadline: { date: '2026-12-14' } },
    });
  });

  it('counts a notice served by announcement only from the end of its 30-day period (民事诉讼法 §95)', async () => {
    const record = await states.noticeIssued({ issuedAt: shanghai('2026-11-25T10:00:00'), deadlineDate: '2026-12-07' });
    const answer = await officer.post(
      `/cases/${record.id}/service`,
      served({
        method: 'announcement',
        servedOn: '2026-12-01',
        receiver: undefined,
        publishedIn: '违建现场及社区公告栏',
      }),
    );
    expect(answer.status).toBe(200);
    // Published 12-01, served 30 days later on Thursday 12-31; ten days from there is Sunday 2027-01-10, so
    // Monday 01-11, provisional: 2027's holidays are not yet published.
    expect(answer.body.notice.service).toMatchObject({ servedOn: '2026-12-01', effectiveOn: '2026-12-31' });
    expect(answer.body.notice.deadline).toEqual({
      date: '2027-01-11',
      at: '2027-01-11T15:59:59.999Z',
      provisional: true,
    });
  });

  it('runs the 公告 period and the 复议 and 诉讼 windows from when the enforcement decision was served', async () => {
    const record = await states.enforcementDecided();
    const answer = await officer.post(
      `/cases/${record.id}/service`,
      served({ document: 'enforcement-decision', method: 'post', servedOn: '2026-12-09', receiver: '张某某' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.decisionService).toMatchObject({ method: 'post', servedOn: '2026-12-09' });
    // 10 working days from Wednesday 12-09; 60 days is Sunday 2027-02-07 → Monday; 6 months is Wednesday 2027-06-09.
    expect(answer.body.deadlines.announcement.date).toBe('2026-12-23');
    expect(answer.body.deadlines.reconsideration.date).toBe('2027-02-08');
    expect(answer.body.deadlines.litigation.date).toBe('2027-06-09');
    expect(answer.body.dueAt).toBe(answer.body.deadlines.litigation.at);
    expect(record.deadlines.litigation?.date).toBe('2027-06-01');
  });

  it('refuses electronic service without written consent, 留置送达 without witnesses, and a missing receiver, naming the field', async () => {
    const record = await states.noticeIssued({ issuedAt: shanghai('2026-12-01T10:00:00') });
    const electronic = await officer.post(`/cases/${record.id}/service`, served({ method: 'electronic' }));
    expect(electronic.status).toBe(400);
    expect(electronic.body.errors).toEqual([
      { field: 'consent', in: 'body', message: expect.stringContaining('consented in writing') },
    ]);
    const leftAt = await officer.post(`/cases/${record.id}/service`, served({ method: 'left-at-premises' }));
    expect(leftAt.body.errors).toEqual([expect.objectContaining({ field: 'witnesses', in: 'body' })]);
    const nobody = await officer.post(`/cases/${record.id}/service`, served({ receiver: undefined }));
    expect(nobody.body.errors).toEqual([expect.objectContaining({ field: 'receiver', in: 'body' })]);
    const early = await officer.post(`/cases/${record.id}/service`, served({ servedOn: '2026-11-30' }));
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual([
      { field: 'servedOn', in: 'body', message: expect.stringContaining('2026-12-01') },
    ]);
    const future = await officer.post(`/cases/${record.id}/service`, served({ servedOn: '2026-12-10' }));
    expect(future.body.errors).toEqual([expect.objectContaining({ field: 'servedOn', in: 'body' })]);
    expect((await api.store.getCase(record.id))?.version).toBe(record.version);
    const consented = await officer.post(
      `/cases/${record.id}/service`,
      served({ method: 'electronic', consent: { signedOn: '2026-12-02', reference: '送达地址确认书 第12号' } }),
    );
    expect(consented.status).toBe(200);
    expect(consented.body.notice.service.consent).toEqual({
      signedOn: '2026-12-02',
      reference: '送达地址确认书 第12号',
    });
  });

  it('records a document served once, and only an officer records it', async () => {
    const record = await states.noticeIssued({ issuedAt: shanghai('2026-12-01T10:00:00') });
    const reporter = await api.as('reporter', 'reporter-seed');
    expect((await reporter.post(`/cases/${record.id}/service`, served())).status).toBe(403);
    expect((await officer.post(`/cases/${record.id}/service`, served())).status).toBe(200);
    const again = await officer.post(`/cases/${record.id}/service`, served({ servedOn: '2026-12-05' }));
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('already served on 2026-12-04');
    const decision = await officer.post(`/cases/${record.id}/service`, served({ document: 'enforcement-decision' }));
    expect(decision.status).toBe(409);
  });
});

describe('extensions', () => {
  const extension = (newDeadline: string) => ({ newDeadline, reason: '当事人申请延期', approver: '陈主任' });

  it('moves the notice deadline to the end of the new day in Asia/Shanghai', async () => {
    const record = await states.noticeIssued({ deadlineDate: '2026-12-11' });
    const answer = await officer.post(`/cases/${record.id}/extensions`, extension('2026-12-21'));
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('NOTICE_ISSUED');
    expect(answer.body.notice).toMatchObject({
      deadline: { date: '2026-12-21', at: '2026-12-21T15:59:59.999Z', provisional: false },
      extensionCount: 1,
      extendedDays: 10,
    });
    expect(answer.body.deadlines.notice.date).toBe('2026-12-21');
    expect(answer.body.dueAt).toBe('2026-12-21T15:59:59.999Z');
  });

  it('returns an awaiting inspection to the notice stage and tells the waiting step it was extended', async () => {
    const token = randomUUID();
    const record = await states.awaitingInspection(token);
    api.engine.openStep(token);
    const answer = await officer.post(`/cases/${record.id}/extensions`, extension('2026-12-22'));
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('NOTICE_ISSUED');
    expect(answer.body.pendingCallback).toBeUndefined();
    expect(api.engine.answered).toContainEqual({
      token,
      output: { outcome: 'extended', eventSeq: record.lastSeq + 1 },
    });
    // The inspection window of the old deadline no longer shows: it is counted again from the new one.
    expect(record.deadlines.inspection).toBeDefined();
    expect(answer.body.deadlines.inspection).toBeUndefined();
    expect(answer.body.dueAt).toBe(answer.body.notice.deadline.at);
  });

  it('refuses a new deadline on a rest day, naming the next working day', async () => {
    const record = await states.noticeIssued({ deadlineDate: '2026-12-11' });
    // 2026-12-19 is a Saturday.
    const saturday = await officer.post(`/cases/${record.id}/extensions`, extension('2026-12-19'));
    expect(saturday.status).toBe(400);
    expect(saturday.body.errors).toEqual([
      { field: 'newDeadline', in: 'body', message: expect.stringContaining('2026-12-21') },
    ]);
    expect((await api.store.getCase(record.id))?.version).toBe(record.version);
  });

  it('refuses a deadline that is not later, one beyond the policy total, and a third extension', async () => {
    const record = await states.noticeIssued({ deadlineDate: '2026-12-11' });
    const earlier = await officer.post(`/cases/${record.id}/extensions`, extension('2026-12-11'));
    expect(earlier.status).toBe(400);
    expect(earlier.body.errors).toEqual([expect.objectContaining({ field: 'newDeadline', in: 'body' })]);
    const tooFar = await officer.post(`/cases/${record.id}/extensions`, extension('2027-02-20'));
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.errors[0].message).toContain('60');
    expect((await officer.post(`/cases/${record.id}/extensions`, extension('2026-12-18'))).status).toBe(200);
    expect((await officer.post(`/cases/${record.id}/extensions`, extension('2026-12-25'))).status).toBe(200);
    const third = await officer.post(`/cases/${record.id}/extensions`, extension('2026-12-28'));
    expect(third.status).toBe(409);
    expect(third.body.reason).toContain('2 time(s)');
  });
});

describe('representations, appeals, enforcement and dismissal', () => {
  it('dismisses the case when a representation is accepted, and stops its execution', async () => {
    const record = await states.escalated();
    const answer = await officer.post(`/cases/${record.id}/representations`, {
      receivedOn: '2026-12-08',
      summary: '已取得临时建设许可',
      outcome: 'accepted',
      response: '经核实予以采纳',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('DISMISSED');
    expect(api.engine.stopped).toContainEqual({
      name: record.execution,
      cause: expect.stringContaining('representation'),
    });
  });

  it('keeps the case where it is when a representation is rejected', async () => {
    const record = await states.escalated();
    const answer = await officer.post(`/cases/${record.id}/representations`, {
      receivedOn: '2026-12-08',
      summary: '称为临时堆放',
      outcome: 'rejected',
      response: '不予采纳',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ESCALATED');
    const future = await officer.post(`/cases/${record.id}/representations`, {
      receivedOn: '2026-12-30',
      summary: '称为临时堆放',
      outcome: 'rejected',
      response: '不予采纳',
    });
    expect(future.status).toBe(400);
    expect(future.body.errors[0].field).toBe('receivedOn');
  });

  it('holds the case on a filed appeal and resumes enforcement in a new phase when the decision is upheld', async () => {
    const record = await states.enforcementDecided();
    const filed = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'filed',
      kind: 'reconsideration',
      filedOn: '2026-12-08',
      authority: '沙坪坝区人民政府',
      reference: '沙府复〔2026〕12号',
    });
    expect(filed.status).toBe(200);
    expect(filed.body.status).toBe('ON_HOLD');
    expect(filed.body.dueAt).toBeUndefined();
    expect(api.engine.stopped).toContainEqual({ name: record.execution, cause: expect.stringContaining('appeal') });
    const upheld = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'resolved',
      outcome: 'upheld',
      resolvedOn: '2026-12-09',
      reference: '沙府复〔2026〕12号',
    });
    expect(upheld.status).toBe(200);
    expect(upheld.body).toMatchObject({ status: 'ENFORCEMENT_DECIDED', execution: `${record.id}--after-appeal--1` });
    // Due when the last of the recorded 公告/复议/诉讼 windows ends, so it shows in the due column and lists.
    const windows = [record.deadlines.announcement, record.deadlines.reconsideration, record.deadlines.litigation]
      .map((d) => d?.at ?? '')
      .sort();
    expect(upheld.body.dueAt).toBe(windows.at(-1));
    expect(api.engine.executions).toContain(`${record.id}--after-appeal--1`);
    const again = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'filed',
      kind: 'litigation',
      filedOn: '2026-12-09',
      authority: '沙坪坝区人民法院',
      reference: '(2026)渝0106行初1号',
    });
    expect(again.body.status).toBe('ON_HOLD');
    const upheldAgain = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'resolved',
      outcome: 'upheld',
      resolvedOn: '2026-12-09',
      reference: '(2026)渝0106行初1号',
    });
    expect(upheldAgain.body.execution).toBe(`${record.id}--after-appeal--2`);
  });

  it('names a second upheld appeal after-appeal--2 even when a resume carried the case in between', async () => {
    const record = await states.enforcementDecided();
    const appeal = {
      action: 'filed',
      kind: 'reconsideration',
      filedOn: '2026-12-08',
      authority: '区政府',
      reference: 'R-3',
    };
    const upheld = { action: 'resolved', outcome: 'upheld', resolvedOn: '2026-12-09', reference: 'R-3' };
    await officer.post(`/cases/${record.id}/appeals`, appeal);
    const first = await officer.post(`/cases/${record.id}/appeals`, upheld);
    expect(first.body.execution).toBe(`${record.id}--after-appeal--1`);
    expect(first.body).not.toHaveProperty('appealRound');
    api.engine.ended.set(`${record.id}--after-appeal--1`, 'FAILED');
    const resumed = await officer.post(`/cases/${record.id}/resume`, { reason: 'the enforcement task failed' });
    expect(resumed.body.execution).toBe(`${record.id}--resume--1`);
    await officer.post(`/cases/${record.id}/appeals`, { ...appeal, kind: 'litigation' });
    const second = await officer.post(`/cases/${record.id}/appeals`, upheld);
    expect(second.status).toBe(200);
    expect(second.body.execution).toBe(`${record.id}--after-appeal--2`);
    expect(api.engine.executions).toContain(`${record.id}--after-appeal--2`);
    expect((await api.store.getCase(record.id))?.appealRound).toBe(2);
  });

  it('dismisses the case when the appeal revokes the decision', async () => {
    const record = await states.enforcementDecided();
    await officer.post(`/cases/${record.id}/appeals`, {
      action: 'filed',
      kind: 'litigation',
      filedOn: '2026-12-08',
      authority: '沙坪坝区人民法院',
      reference: 'R-1',
    });
    const revoked = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'resolved',
      outcome: 'revoked',
      resolvedOn: '2026-12-09',
      reference: 'R-1',
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('DISMISSED');
  });

  it('answers 503 when the after-appeal phase cannot start, keeps the resolution, flags the case, and a retry starts it', async () => {
    const record = await states.enforcementDecided();
    await officer.post(`/cases/${record.id}/appeals`, {
      action: 'filed',
      kind: 'litigation',
      filedOn: '2026-12-08',
      authority: '法院',
      reference: 'R-2',
    });
    api.engine.fail.start = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    try {
      const answer = await officer.post(`/cases/${record.id}/appeals`, {
        action: 'resolved',
        outcome: 'upheld',
        resolvedOn: '2026-12-09',
        reference: 'R-2',
      });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).not.toBeNull();
      expect(answer.body.detail).toContain('recorded');
    } finally {
      api.engine.fail.start = undefined;
    }
    const resolved = await api.store.getCase(record.id);
    expect(resolved?.status).toBe('ENFORCEMENT_DECIDED');
    expect((await api.store.listFlagged({ limit: 100 })).items.map((f) => f.caseId)).toContain(record.id);
    expect(api.engine.executions).not.toContain(`${record.id}--after-appeal--1`);

    // Repeating the same request once the engine is back starts the phase and records nothing new.
    const retried = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'resolved',
      outcome: 'upheld',
      resolvedOn: '2026-12-09',
      reference: 'R-2',
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'ENFORCEMENT_DECIDED', version: resolved?.version });
    expect(api.engine.executions).toContain(`${record.id}--after-appeal--1`);
    const revoked = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'resolved',
      outcome: 'revoked',
      resolvedOn: '2026-12-09',
      reference: 'R-2',
    });
    expect(revoked.status).toBe(409);
  });

  it('lets only the enforcer record the forced demolition, answering the waiting step', async () => {
    const token = randomUUID();
    const record = await states.enforcementScheduled(token);
    api.engine.openStep(token);
    const body = { completedAt: '2026-12-09T02:03:00Z', teamLead: '赵队长', areaRemovedM2: 24 };
    expect((await officer.post(`/cases/${record.id}/enforcement`, body)).status).toBe(403);
    const done = await enforcer.post(`/cases/${record.id}/enforcement`, body);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'ENFORCED', areaRemovedM2: 24 });
    expect(api.engine.answered).toContainEqual({
      token,
      output: { outcome: 'completed', eventSeq: record.lastSeq + 1 },
    });
  });

  it('dismisses from an open state and stops the execution; a duplicate must name an existing other case', async () => {
    const original = await states.noticeIssued();
    const record = await states.noticeIssued();
    const self = await officer.post(`/cases/${record.id}/dismissal`, {
      reason: 'duplicate',
      explanation: '重复',
      duplicateOf: record.id,
    });
    expect(self.status).toBe(400);
    expect(self.body.errors[0].field).toBe('duplicateOf');
    const missing = await officer.post(`/cases/${record.id}/dismissal`, {
      reason: 'duplicate',
      explanation: '重复',
      duplicateOf: 'C-20261201-AAAAAA',
    });
    expect(missing.status).toBe(400);
    const dismissed = await officer.post(`/cases/${record.id}/dismissal`, {
      reason: 'duplicate',
      explanation: '重复',
      duplicateOf: original.id,
    });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.status).toBe('DISMISSED');
    expect(api.engine.stopped).toContainEqual({ name: record.execution, cause: 'dismissed: duplicate' });
    const twice = await officer.post(`/cases/${record.id}/dismissal`, { reason: 'withdrawn', explanation: '撤回' });
    expect(twice.status).toBe(409);
  });
});
