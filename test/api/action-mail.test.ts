import type { MailDelivery, MailRequest, Mailer } from '#mail/mailer';
import { mailId } from '#mail/mailer';
import type { ApiHarness } from './support/harness';
import { startApiHarness } from './support/harness';
import { CaseStates } from './support/case-states';

/** Records what the API asks the outbox to send (the outbox itself is tested against the local SES). */
class RecordingMailer implements Mailer {
  readonly requests: MailRequest[] = [];
  async deliver(request: MailRequest): Promise<MailDelivery[]> {
    this.requests.push(request);
    return [{ id: mailId(request.caseRecord.id, request.occasion, request.kind), status: 'sent' }];
  }
}

let api: ApiHarness;
const mailer = new RecordingMailer();
beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z'), deps: { mailer } });
});
afterAll(async () => {
  await api.close();
});

const requestsFor = (caseId: string) => mailer.requests.filter((r) => r.caseRecord.id === caseId);

describe('the appeal emails', () => {
  it('tells the sub-district office when an appeal puts the case on hold, and only then', async () => {
    const states = new CaseStates(api.store, () => api.clock.now());
    const record = await states.enforcementDecided();
    const officer = await api.as('officer');
    const filed = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'filed',
      kind: 'litigation',
      filedOn: '2026-12-08',
      authority: '沙坪坝区人民法院',
      reference: '(2026)渝0106行初1号',
    });
    expect(filed.status).toBe(200);
    expect(filed.body.status).toBe('ON_HOLD');
    expect(mailer.requests).toHaveLength(1);
    expect(mailer.requests[0]).toMatchObject({
      kind: 'appeal-hold',
      occasion: `appeal-hold-${filed.body.lastSeq}`,
      caseRecord: { id: record.id, status: 'ON_HOLD' },
      facts: {
        appealKind: 'litigation',
        appealFiledOn: '2026-12-08',
        appealAuthority: '沙坪坝区人民法院',
        appealReference: '(2026)渝0106行初1号',
      },
    });

    const upheld = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'resolved',
      outcome: 'upheld',
      resolvedOn: '2026-12-09',
      reference: '(2026)渝0106行初1号',
      summary: '维持原决定',
    });
    expect(upheld.status).toBe(200);
    expect(requestsFor(record.id).map((r) => r.kind)).toEqual(['appeal-hold', 'appeal-resolved']);
    expect(requestsFor(record.id)[1]).toMatchObject({
      occasion: `appeal-resolved-${upheld.body.lastSeq}`,
      caseRecord: { status: 'ENFORCEMENT_DECIDED' },
      facts: {
        appealOutcome: 'upheld',
        appealResolvedOn: '2026-12-09',
        appealReference: '(2026)渝0106行初1号',
        appealSummary: '维持原决定',
      },
    });
  });

  it('a revoked decision is told once, as the appeal’s outcome (not also as a dismissal)', async () => {
    const states = new CaseStates(api.store, () => api.clock.now());
    const record = await states.enforcementDecided();
    const officer = await api.as('officer');
    await officer.post(`/cases/${record.id}/appeals`, {
      action: 'filed',
      kind: 'reconsideration',
      filedOn: '2026-12-08',
      authority: '沙坪坝区人民政府',
      reference: '沙府复〔2026〕9号',
    });
    const revoked = await officer.post(`/cases/${record.id}/appeals`, {
      action: 'resolved',
      outcome: 'revoked',
      resolvedOn: '2026-12-09',
      reference: '沙府复〔2026〕9号',
    });
    expect(revoked.body.status).toBe('DISMISSED');
    expect(requestsFor(record.id).map((r) => [r.kind, r.facts?.appealOutcome])).toEqual([
      ['appeal-hold', undefined],
      ['appeal-resolved', 'revoked'],
    ]);
  });
});

describe('what happened to what the office was told', () => {
  it('a dismissal tells the office, with the reason', async () => {
    const states = new CaseStates(api.store, () => api.clock.now());
    const record = await states.escalated();
    const officer = await api.as('officer');
    const dismissed = await officer.post(`/cases/${record.id}/dismissal`, {
      reason: 'not-a-violation',
      explanation: '经核实已取得规划许可',
    });
    expect(dismissed.status).toBe(200);
    expect(requestsFor(record.id)).toEqual([
      expect.objectContaining({
        kind: 'case-dismissed',
        occasion: `case-dismissed-${dismissed.body.lastSeq}`,
        caseRecord: expect.objectContaining({ status: 'DISMISSED' }),
        facts: { dismissalReason: 'not-a-violation', dismissalExplanation: '经核实已取得规划许可' },
      }),
    ]);
  });

  it('a case the office was never told about (no notice yet) is dismissed without an email', async () => {
    const states = new CaseStates(api.store, () => api.clock.now());
    const record = await states.reported();
    const officer = await api.as('officer');
    expect(
      (await officer.post(`/cases/${record.id}/dismissal`, { reason: 'withdrawn', explanation: '举报人撤回' })).status,
    ).toBe(200);
    expect(requestsFor(record.id)).toEqual([]);
  });

  it('an accepted representation dismisses the case and tells the office why', async () => {
    const states = new CaseStates(api.store, () => api.clock.now());
    const record = await states.escalated();
    const officer = await api.as('officer');
    const accepted = await officer.post(`/cases/${record.id}/representations`, {
      receivedOn: '2026-12-08',
      summary: '已取得许可',
      outcome: 'accepted',
      response: '申辩成立，撤销案件',
    });
    expect(accepted.body.status).toBe('DISMISSED');
    expect(requestsFor(record.id).map((r) => [r.kind, r.occasion, r.facts])).toEqual([
      [
        'case-dismissed',
        `case-dismissed-${accepted.body.lastSeq}`,
        { dismissalReason: 'representation-accepted', dismissalExplanation: '申辩成立，撤销案件' },
      ],
    ]);
  });

  it('a rejected representation sends nothing', async () => {
    const states = new CaseStates(api.store, () => api.clock.now());
    const record = await states.escalated();
    const officer = await api.as('officer');
    const rejected = await officer.post(`/cases/${record.id}/representations`, {
      receivedOn: '2026-12-08',
      summary: '请求不拆',
      outcome: 'rejected',
      response: '理由不成立',
    });
    expect(rejected.status).toBe(200);
    expect(requestsFor(record.id)).toEqual([]);
  });

  it('an extension tells the office the new deadline, the old one and who approved it', async () => {
    const states = new CaseStates(api.store, () => api.clock.now());
    const record = await states.awaitingInspection('token-extension-mail');
    const officer = await api.as('officer');
    const extended = await officer.post(`/cases/${record.id}/extensions`, {
      newDeadline: '2026-12-21',
      reason: '当事人申请',
      approver: '李科长',
    });
    expect(extended.status).toBe(200);
    expect(requestsFor(record.id)).toEqual([
      expect.objectContaining({
        kind: 'deadline-extended',
        occasion: `deadline-extended-${extended.body.lastSeq}`,
        facts: {
          previousDeadlineAt: record.notice?.deadline.at,
          extraDays: 14,
          extensionReason: '当事人申请',
          approver: '李科长',
        },
      }),
    ]);
    expect(requestsFor(record.id)[0]?.caseRecord.notice?.deadline.date).toBe('2026-12-21');
  });

  it('the forced demolition recorded as done tells the office', async () => {
    const states = new CaseStates(api.store, () => api.clock.now());
    const record = await states.enforcementScheduled('token-enforcement-mail');
    const enforcer = await api.as('enforcer');
    const completedAt = api.clock.now().toISOString();
    const done = await enforcer.post(`/cases/${record.id}/enforcement`, {
      completedAt,
      teamLead: '赵队长',
      areaRemovedM2: 24,
      notes: '现场已清理',
    });
    expect(done.status).toBe(200);
    expect(requestsFor(record.id)).toEqual([
      expect.objectContaining({
        kind: 'enforcement-completed',
        occasion: `enforcement-completed-${done.body.lastSeq}`,
        caseRecord: expect.objectContaining({ status: 'ENFORCED' }),
        facts: { completedAt, teamLead: '赵队长', areaRemovedM2: 24, enforcementNotes: '现场已清理' },
      }),
    ]);
  });
});
