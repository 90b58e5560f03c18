import type { MailDelivery, MailRequest, Mailer } from '../../functions/mail/mailer';
import { mailId } from '../../functions/mail/mailer';
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

describe('the appeal hold email', () => {
  it('tells the sub-district office when an appeal puts the case on hold, and only then', async () => {
    const states = new CaseStates(api.store, () => api.clock.now());
    const record = await states.enforcementDecided();
    const officer = await api.as('officer');
    const filed = await officer.post(`/cases/${record.id}/appeals`, { action: 'filed', kind: 'litigation', filedOn: '2026-12-08', authority: '沙坪坝区人民法院', reference: '(2026)渝0106行初1号' });
    expect(filed.status).toBe(200);
    expect(filed.body.status).toBe('ON_HOLD');
    expect(mailer.requests).toHaveLength(1);
    expect(mailer.requests[0]).toMatchObject({
      kind: 'appeal-hold',
      occasion: `appeal-hold-${filed.body.lastSeq}`,
      caseRecord: { id: record.id, status: 'ON_HOLD' },
      facts: { appealKind: 'litigation', appealFiledOn: '2026-12-08', appealAuthority: '沙坪坝区人民法院', appealReference: '(2026)渝0106行初1号' },
    });

    const upheld = await officer.post(`/cases/${record.id}/appeals`, { action: 'resolved', outcome: 'upheld', resolvedOn: '2026-12-09', reference: '(2026)渝0106行初1号' });
    expect(upheld.status).toBe(200);
    expect(mailer.requests).toHaveLength(1);
  });
});
