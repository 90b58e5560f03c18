import { createHash, randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { makeDocumentIssuer } from '#app/document-issuer';
import { CLOSED_CASE_FILES_TAG } from '#domain/case-files';
import type { IssuedDocument } from '#domain/documents';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { parseIssuingOffices } from '#documents/issuing-offices';
import { makeIssueNoticeHandler } from '#tasks/steps/intake';
import { TEST_OFFICES } from '../fixtures/documents';
import { seedSubmission } from '../fixtures/submissions';
import { pdfText } from '../support/poppler';
import { RecordingMailer } from '../workflow/harness';
import type { ApiHarness, Client } from './support/harness';
import { client, startApiHarness } from './support/harness';

/**
 * The documents of a case through the API, on the real local parts: the notice issued by the workflow's
 * own step into the run's local S3, listed, downloaded through the presigned link it hands out, and
 * named by verify=true once its stored bytes are changed.
 */
let api: ApiHarness;
let reporter: Client;
let caseId: string;
let notice: IssuedDocument;

const CLOSED = { [CLOSED_CASE_FILES_TAG.key]: CLOSED_CASE_FILES_TAG.value };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-11-25T02:00:00Z') });
  reporter = await api.as('reporter', 'reporter-documents');
  const created = await reporter.post('/cases', seedSubmission({ discoveredOn: '2026-11-24', category: 'other' }), {
    'idempotency-key': randomUUID(),
  });
  if (created.status !== 201) throw new Error(`could not report the case: ${created.status}`);
  caseId = created.body.id as string;
  await makeIssueNoticeHandler({
    store: api.store,
    clock: api.clock,
    calendar: api.deps.calendar,
    policy: api.deps.policy,
    mailer: new RecordingMailer(),
    documents: makeDocumentIssuer({ objects: api.bucket.objects, offices: parseIssuingOffices(TEST_OFFICES) }),
  })({ execution: { caseId, phase: 'intake', round: 1 } });
  for await (const event of api.store.allEvents(caseId))
    if (event.type === 'NOTICE_ISSUED') notice = (event.data.documents as IssuedDocument[])[0] ?? notice;
});

afterAll(async () => {
  await api.close();
});

describe('GET /cases/{id}/documents', () => {
  it('lists the notice with its number, issue time, hash, size and service state, for exactly the people who may see the case', async () => {
    const record = await api.store.getCase(caseId);
    const expected = [
      {
        kind: 'notice',
        title: '限期拆除通知书',
        number: record?.notice?.number,
        fileName: `限期拆除通知书-${record?.notice?.number}.pdf`,
        issuedAt: record?.notice?.issuedAt,
        seq: 2,
        sha256: notice.sha256,
        size: notice.size,
        service: { state: 'unserved' },
      },
    ];
    for (const who of [reporter, await api.as('officer'), await api.as('enforcer'), await api.as('auditor')]) {
      const listed = await who.get(`/cases/${caseId}/documents`);
      expect({ status: listed.status, items: listed.body.items }).toEqual({ status: 200, items: expected });
    }
    const elsewhere = client(
      api.url,
      await api.auth.issue({ role: 'officer', sub: 'officer-jingkou', subdistricts: ['井口街道'] }),
    );
    for (const who of [await api.as('reporter', 'reporter-elsewhere'), elsewhere]) {
      const refused = await who.get(`/cases/${caseId}/documents`);
      expect({ status: refused.status, type: refused.body.type }).toEqual({
        status: 404,
        type: 'urn:rectify:problem:not-found',
      });
    }
    expect((await api.anonymous.get(`/cases/${caseId}/documents`)).status).toBe(401);
  });

  it('shows the notice served once its service is recorded', async () => {
    const officer = await api.as('officer');
    const today = shanghaiDateOf(api.clock.now());
    const served = await officer.post(`/cases/${caseId}/service`, {
      document: 'notice',
      method: 'direct',
      servedOn: today,
      receiver: '王秀英',
    });
    expect(served.status).toBe(200);
    const listed = await officer.get(`/cases/${caseId}/documents`);
    expect(listed.body.items[0].service).toEqual({
      state: 'served',
      method: 'direct',
      servedOn: today,
      effectiveOn: today,
    });
  });
});

describe('GET /cases/{id}/documents/{number}/download', () => {
  it('hands who may see the case a 60-second link to the PDF as issued: its hash is the event’s, its text the notice’s', async () => {
    const record = await api.store.getCase(caseId);
    const number = record?.notice?.number ?? '';
    const answer = await reporter.get(`/cases/${caseId}/documents/${number}/download`);
    expect(answer.status).toBe(200);
    const seconds = (Date.parse(answer.body.expiresAt) - Date.now()) / 1000;
    expect(seconds).toBeGreaterThan(30);
    expect(seconds).toBeLessThanOrEqual(61);
    const file = await fetch(answer.body.url);
    expect(file.status).toBe(200);
    expect(decodeURIComponent(file.headers.get('content-disposition') ?? '')).toContain(`限期拆除通知书-${number}.pdf`);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(sha256(bytes)).toBe(notice.sha256);
    const text = pdfText(bytes);
    expect(text).toContain(number);
    expect(text).toContain(record?.responsibleParty.name);
  });

  it('answers 404 to a reporter of another case, 400 naming `number` for a number the case does not have or a malformed one', async () => {
    const number = (await api.store.getCase(caseId))?.notice?.number ?? '';
    const other = await (
      await api.as('reporter', 'reporter-elsewhere')
    ).get(`/cases/${caseId}/documents/${number}/download`);
    expect(other.status).toBe(404);
    const missing = await reporter.get(`/cases/${caseId}/documents/${number}-CG/download`);
    expect({ status: missing.status, errors: missing.body.errors }).toEqual({
      status: 400,
      errors: [{ field: 'number', in: 'path', message: `case ${caseId} has no document ${number}-CG` }],
    });
    const malformed = await reporter.get(`/cases/${caseId}/documents/notice.pdf/download`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(['number']);
  });
});

describe('GET /cases/{id}/history?verify=true', () => {
  it('names a document whose stored bytes no longer match the hash its event records', async () => {
    const auditor = await api.as('auditor');
    const intact = await auditor.get(`/cases/${caseId}/history?verify=true`);
    expect(intact.body.documentVerification).toEqual({ ok: true, checked: 1, mismatched: [] });
    // Someone with write access to the bucket replaces the PDF (Object Lock would keep the original version).
    const forged = Buffer.from('%PDF-1.3 a different notice');
    await api.bucket.s3.send(
      new PutObjectCommand({
        Bucket: api.bucket.bucket,
        Key: notice.key,
        Body: forged,
        ContentType: 'application/pdf',
      }),
    );
    const tampered = await auditor.get(`/cases/${caseId}/history?verify=true`);
    expect(tampered.body.documentVerification).toEqual({
      ok: false,
      checked: 1,
      mismatched: [
        {
          number: notice.number,
          kind: 'notice',
          seq: 2,
          recordedSha256: notice.sha256,
          storedSha256: sha256(forged),
          reason: 'the stored document no longer matches the hash its event records',
        },
      ],
    });
    // The chain itself still verifies: the event and its recorded hash were not touched.
    expect(tampered.body.verification.ok).toBe(true);
  });
});

describe('a case that closes', () => {
  it('has its files tagged for the cheaper storage class when an officer dismisses it', async () => {
    const officer = await api.as('officer');
    expect(await api.bucket.objects.tags(notice.key)).not.toEqual(CLOSED);
    const dismissed = await officer.post(`/cases/${caseId}/dismissal`, {
      reason: 'not-a-violation',
      explanation: '经核实已取得规划许可',
    });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.status).toBe('DISMISSED');
    expect(await api.bucket.objects.tags(notice.key)).toEqual(CLOSED);
  });
});
