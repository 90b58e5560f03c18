import { createHash, randomUUID } from 'node:crypto';
import { jpegWithExif, PDF_BYTES, PNG_BYTES } from '../fixtures/photos';
import type { ApiHarness, Client } from './support/harness';
import { startApiHarness } from './support/harness';
import { CaseStates } from './support/case-states';
import { attach } from './support/evidence';

/**
 * Actions cite the case's files they rest on: an inspection its before/after photos, enforcement the
 * team's, a representation or an appeal the party's papers. Each cited file must be a confirmed file of
 * the same case from a stage that fits the action; the event records each with its SHA-256.
 */
let api: ApiHarness;
let states: CaseStates;
let officer: Client;
let enforcer: Client;
beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  officer = await api.as('officer', 'officer-cites');
  enforcer = await api.as('enforcer', 'enforcer-cites');
});
afterAll(async () => {
  await api.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const before = jpegWithExif({ takenAt: '2026:12:08 09:00:00', latitude: 29.5586, longitude: 106.4628 });
const after = jpegWithExif({ takenAt: '2026:12:09 09:30:00', latitude: 29.5587, longitude: 106.4629 });
const inspection = (overrides: Record<string, unknown> = {}) => ({
  result: 'demolished',
  inspectedAt: '2026-12-09T02:03:00Z',
  inspector: '王科员',
  ...overrides,
});

async function photo(who: Client, caseId: string, bytes: Buffer, stage: string, fileName = `${stage}.jpg`) {
  const { evidenceId, confirmed } = await attach(who, caseId, { bytes, contentType: 'image/jpeg', fileName, stage });
  expect(confirmed.status).toBe(201);
  return evidenceId;
}

describe('actions citing evidence', () => {
  it('records an inspection citing its before and after photos, each with its SHA-256', async () => {
    const token = randomUUID();
    const record = await states.awaitingInspection(token);
    api.engine.openStep(token);
    const beforeId = await photo(officer, record.id, before, 'inspection', '拆除前.jpg');
    const afterId = await photo(officer, record.id, after, 'inspection', '拆除后.jpg');
    const answer = await officer.post(
      `/cases/${record.id}/inspections`,
      inspection({ evidenceIds: [beforeId, afterId] }),
    );
    expect(answer.status).toBe(200);
    const history = await officer.get(`/cases/${record.id}/history?verify=true`);
    expect(history.body.items.at(-1)).toMatchObject({
      type: 'INSPECTION_RECORDED',
      data: {
        evidence: [
          { evidenceId: beforeId, sha256: sha256(before) },
          { evidenceId: afterId, sha256: sha256(after) },
        ],
      },
    });
    expect(history.body.verification).toMatchObject({ ok: true });
  });

  it('refuses a file that is not a confirmed file of this case, naming its place, and writes nothing', async () => {
    const token = randomUUID();
    const record = await states.awaitingInspection(token);
    api.engine.openStep(token);
    const own = await photo(officer, record.id, before, 'inspection');
    const other = await states.awaitingInspection(randomUUID());
    const elsewhere = await photo(officer, other.id, after, 'inspection');
    const asked = await officer.post(`/cases/${record.id}/evidence-uploads`, {
      fileName: 'never-confirmed.jpg',
      contentType: 'image/jpeg',
      size: before.byteLength,
      stage: 'inspection',
    });
    const unconfirmed = asked.body.evidenceId as string;
    const stored = await api.store.getCase(record.id);
    for (const [ids, index, says] of [
      [[own, elsewhere], 1, `has no confirmed file ${elsewhere}`],
      [[unconfirmed], 0, `has no confirmed file ${unconfirmed}`],
    ] as const) {
      const refused = await officer.post(`/cases/${record.id}/inspections`, inspection({ evidenceIds: ids }));
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors).toEqual([
        { field: `evidenceIds[${index}]`, in: 'body', message: expect.stringContaining(says) },
      ]);
    }
    const malformed = await officer.post(`/cases/${record.id}/inspections`, inspection({ evidenceIds: [own, own] }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'evidenceIds' })]);
    const after400 = await api.store.getCase(record.id);
    expect(after400).toMatchObject({
      version: stored?.version,
      lastSeq: stored?.lastSeq,
      status: 'AWAITING_INSPECTION',
    });
    expect(api.engine.answered.some((answer) => answer.token === token)).toBe(false);
  });

  it('refuses a file from a stage that does not fit the action', async () => {
    const token = randomUUID();
    const record = await states.enforcementScheduled(token);
    api.engine.openStep(token);
    const inspectionPhoto = await photo(officer, record.id, before, 'inspection');
    const teamPhoto = await photo(enforcer, record.id, after, 'enforcement');
    const body = { completedAt: '2026-12-09T02:03:00Z', teamLead: '赵队长', areaRemovedM2: 24 };
    const refused = await enforcer.post(`/cases/${record.id}/enforcement`, {
      ...body,
      evidenceIds: [teamPhoto, inspectionPhoto],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      {
        field: 'evidenceIds[1]',
        in: 'body',
        message: expect.stringContaining(
          'was attached at the inspection stage; this action cites files of the enforcement stage',
        ),
      },
    ]);
    const done = await enforcer.post(`/cases/${record.id}/enforcement`, { ...body, evidenceIds: [teamPhoto] });
    expect(done.status).toBe(200);
    expect((await api.store.history(record.id)).items.at(-1)).toMatchObject({
      type: 'ENFORCEMENT_COMPLETED',
      data: { evidence: [{ evidenceId: teamPhoto, sha256: sha256(after) }] },
    });
  });

  it('lets a representation and an appeal cite the papers the party handed in', async () => {
    const escalated = await states.escalated();
    const statement = await attach(officer, escalated.id, {
      bytes: PDF_BYTES,
      contentType: 'application/pdf',
      fileName: '陈述申辩书.pdf',
      stage: 'representation',
    });
    const represented = await officer.post(`/cases/${escalated.id}/representations`, {
      receivedOn: '2026-12-08',
      summary: '当事人称已取得临时建设许可',
      outcome: 'rejected',
      response: '经核实不予采纳',
      evidenceIds: [statement.evidenceId],
    });
    expect(represented.status).toBe(200);
    expect((await api.store.history(escalated.id)).items.at(-1)?.data).toMatchObject({
      evidence: [{ evidenceId: statement.evidenceId, sha256: sha256(PDF_BYTES) }],
    });

    const decided = await states.enforcementDecided();
    const application = await attach(officer, decided.id, {
      bytes: PNG_BYTES,
      contentType: 'image/png',
      fileName: '复议申请书.png',
      stage: 'appeal',
    });
    const filed = await officer.post(`/cases/${decided.id}/appeals`, {
      action: 'filed',
      kind: 'reconsideration',
      filedOn: '2026-12-08',
      authority: '沙坪坝区人民政府',
      reference: '沙府复〔2026〕12号',
      evidenceIds: [application.evidenceId],
    });
    expect(filed.status).toBe(200);
    expect((await api.store.history(decided.id)).items.at(-1)).toMatchObject({
      type: 'APPEAL_FILED',
      data: { evidence: [{ evidenceId: application.evidenceId, sha256: sha256(PNG_BYTES) }] },
    });
  });

  it('records a service citing the photo of the signed 送达回证, and refuses an id that is not a service-stage file of the case', async () => {
    const record = await states.noticeIssued({ issuedAt: new Date('2026-12-08T02:00:00Z') });
    const receipt = jpegWithExif({ takenAt: '2026:12:09 09:10:00', latitude: 29.5586, longitude: 106.4628 });
    const receiptId = await photo(officer, record.id, receipt, 'service', '送达回证.jpg');
    const intakeId = await photo(officer, record.id, before, 'intake', '现场.jpg');
    const service = (receiptEvidenceId: string) => ({
      document: 'notice',
      method: 'direct',
      servedOn: '2026-12-09',
      receiver: '张某',
      receiptEvidenceId,
    });
    for (const wrong of [intakeId, `E-${'0'.repeat(24)}`]) {
      const refused = await officer.post(`/cases/${record.id}/service`, service(wrong));
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['receiptEvidenceId']);
    }
    const unchanged = await officer.get(`/cases/${record.id}`);
    expect(unchanged.body.unservedDocuments).toEqual(['notice']);

    const served = await officer.post(`/cases/${record.id}/service`, service(receiptId));
    expect(served.status).toBe(200);
    expect(served.body.notice.service).toMatchObject({ receiptEvidenceId: receiptId });
    const history = await officer.get(`/cases/${record.id}/history?verify=true`);
    expect(history.body.items.at(-1)).toMatchObject({
      type: 'SERVICE_RECORDED',
      data: {
        service: { receiptEvidenceId: receiptId },
        evidence: [{ evidenceId: receiptId, sha256: sha256(receipt) }],
      },
    });
    expect(history.body.verification).toMatchObject({ ok: true });
  });
});
