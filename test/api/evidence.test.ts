import { createHash, randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { HEIC_BYTES, jpegWithExif, PDF_BYTES, PNG_BYTES } from '../fixtures/photos';
import { seedSubmission } from '../fixtures/submissions';
import type { ApiHarness, Client } from './support/harness';
import { startApiHarness } from './support/harness';
import { attach } from './support/evidence';

/**
 * Evidence on the real local parts: the API behind the local server, DynamoDB Local, and the run's local
 * S3 (s3rver), files uploaded with plain fetch through the presigned URLs the API hands out.
 */
let api: ApiHarness;
let reporter: Client;
let otherReporter: Client;
let officer: Client;
let enforcer: Client;
beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-11-25T02:00:00Z') });
  reporter = await api.as('reporter', 'reporter-evidence');
  otherReporter = await api.as('reporter', 'reporter-elsewhere');
  officer = await api.as('officer', 'officer-evidence');
  enforcer = await api.as('enforcer', 'enforcer-evidence');
});
afterAll(async () => {
  await api.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function reportedCase(): Promise<string> {
  const created = await reporter.post('/cases', seedSubmission({ discoveredOn: '2026-11-24' }), {
    'idempotency-key': randomUUID(),
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const photo = jpegWithExif({ takenAt: '2026:11:20 10:30:00', latitude: 29.5586, longitude: 106.4628 });

describe('evidence on a case', () => {
  it('is uploaded through a presigned URL, confirmed from its bytes, and its hash is in the verified chain', async () => {
    const caseId = await reportedCase();
    const { evidenceId, confirmed } = await attach(reporter, caseId, {
      bytes: photo,
      contentType: 'image/jpeg',
      fileName: '现场照片.jpg',
      stage: 'intake',
    });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body).toEqual({
      evidenceId,
      fileName: '现场照片.jpg',
      stage: 'intake',
      contentType: 'image/jpeg',
      size: photo.byteLength,
      sha256: sha256(photo),
      // 10:30 on the camera in China is 02:30 UTC.
      capturedAt: '2026-11-20T02:30:00.000Z',
      gps: { latitude: 29.5586, longitude: 106.4628 },
    });
    const history = await reporter.get(`/cases/${caseId}/history?verify=true`);
    expect(history.status).toBe(200);
    expect(history.body.items.at(-1)).toMatchObject({
      type: 'EVIDENCE_ADDED',
      actor: { sub: 'reporter-evidence', role: 'reporter' },
      status: 'REPORTED',
      data: { evidenceId, sha256: sha256(photo), size: photo.byteLength },
    });
    expect(history.body.verification).toMatchObject({ ok: true });
    expect(history.body.evidenceVerification).toEqual({ ok: true, checked: 1, mismatched: [] });
    const listed = await officer.get(`/cases/${caseId}/evidence`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ evidenceId, sha256: sha256(photo), seq: history.body.items.at(-1).seq }),
    ]);
  });

  it('takes PNG and PDF files by their bytes, without EXIF facts for a file that has none', async () => {
    const caseId = await reportedCase();
    const png = await attach(officer, caseId, {
      bytes: PNG_BYTES,
      contentType: 'image/png',
      fileName: 'plan.png',
      stage: 'inspection',
    });
    expect(png.confirmed.status).toBe(201);
    expect(png.confirmed.body).toEqual(expect.objectContaining({ contentType: 'image/png' }));
    expect(png.confirmed.body.capturedAt).toBeUndefined();
    const pdf = await attach(officer, caseId, {
      bytes: PDF_BYTES,
      contentType: 'application/pdf',
      fileName: '陈述申辩书.pdf',
      stage: 'representation',
    });
    expect(pdf.confirmed.body).toEqual(
      expect.objectContaining({ contentType: 'application/pdf', stage: 'representation' }),
    );
  });

  it('takes a real HEIC photo as image/heic and reads its EXIF capture time and position', async () => {
    const caseId = await reportedCase();
    const heic = await attach(reporter, caseId, {
      bytes: HEIC_BYTES,
      contentType: 'image/heic',
      fileName: 'IMG_0042.HEIC',
      stage: 'intake',
    });
    expect(heic.confirmed.status).toBe(201);
    expect(heic.confirmed.body).toEqual({
      evidenceId: heic.evidenceId,
      fileName: 'IMG_0042.HEIC',
      stage: 'intake',
      contentType: 'image/heic',
      size: HEIC_BYTES.byteLength,
      sha256: sha256(HEIC_BYTES),
      capturedAt: '2026-11-20T02:30:00.000Z',
      gps: { latitude: 29.5586, longitude: 106.4628 },
    });
  });

  it('is named by verify when the stored file no longer matches its event', async () => {
    const caseId = await reportedCase();
    const { evidenceId } = await attach(reporter, caseId, {
      bytes: photo,
      contentType: 'image/jpeg',
      fileName: 'before.jpg',
      stage: 'intake',
    });
    const swapped = jpegWithExif({ takenAt: '2026:11:21 09:00:00', latitude: 29.5, longitude: 106.4 });
    await api.bucket.s3.send(
      new PutObjectCommand({
        Bucket: api.bucket.bucket,
        Key: `cases/${caseId}/evidence/${evidenceId}`,
        Body: swapped,
      }),
    );
    const history = await officer.get(`/cases/${caseId}/history?verify=true`);
    // The chain itself is intact: what changed is the file it vouches for.
    expect(history.body.verification).toMatchObject({ ok: true });
    expect(history.body.evidenceVerification).toEqual({
      ok: false,
      checked: 1,
      mismatched: [
        {
          evidenceId,
          fileName: 'before.jpg',
          seq: expect.any(Number),
          recordedSha256: sha256(photo),
          storedSha256: sha256(swapped),
          reason: 'the stored file no longer matches the hash its event records',
        },
      ],
    });
  });

  it('refuses a file whose bytes are not a photo or a PDF, deletes it and records nothing', async () => {
    const caseId = await reportedCase();
    const before = await api.store.getCase(caseId);
    const { evidenceId, confirmed } = await attach(reporter, caseId, {
      bytes: Buffer.from('#!/bin/sh\necho this is not a photo\n'),
      contentType: 'image/jpeg',
      fileName: 'photo.jpg',
      stage: 'intake',
    });
    expect(confirmed.status).toBe(400);
    expect(confirmed.headers.get('content-type')).toContain('application/problem+json');
    expect(confirmed.body.errors).toEqual([
      {
        field: 'evidenceId',
        in: 'body',
        message: 'the file is not a JPEG, PNG, HEIC or PDF (judged from its bytes); it was discarded',
      },
    ]);
    expect(await api.bucket.objects.head(`cases/${caseId}/evidence/${evidenceId}`)).toBeUndefined();
    expect((await api.store.getCase(caseId))?.lastSeq).toBe(before?.lastSeq);
  });

  it('refuses a file over its type’s size limit, judged from the bytes, and records nothing', async () => {
    const caseId = await reportedCase();
    const before = await api.store.getCase(caseId);
    // Declared a PDF (up to 50 MB) but in fact a 21 MB JPEG (photos up to 20 MB).
    const large = jpegWithExif({ takenAt: '2026:11:20 10:30:00', latitude: 29.5, longitude: 106.4, padding: 21e6 });
    const { evidenceId, confirmed } = await attach(officer, caseId, {
      bytes: large,
      contentType: 'application/pdf',
      fileName: 'scan.pdf',
      stage: 'inspection',
    });
    expect(confirmed.status).toBe(400);
    expect(confirmed.body.errors[0]).toMatchObject({
      field: 'evidenceId',
      message: expect.stringContaining(`a JPEG file may be at most ${20 * 1024 * 1024} bytes`),
    });
    expect(await api.bucket.objects.head(`cases/${caseId}/evidence/${evidenceId}`)).toBeUndefined();
    expect((await api.store.getCase(caseId))?.lastSeq).toBe(before?.lastSeq);
  });

  it('refuses an upload request over the size limit or of another type, naming the field', async () => {
    const caseId = await reportedCase();
    const oversize = await reporter.post(`/cases/${caseId}/evidence-uploads`, {
      fileName: 'big.jpg',
      contentType: 'image/jpeg',
      size: 21 * 1024 * 1024,
      stage: 'intake',
    });
    expect(oversize.status).toBe(400);
    expect(oversize.body.errors).toEqual([expect.objectContaining({ field: 'size', in: 'body' })]);
    const wrongType = await reporter.post(`/cases/${caseId}/evidence-uploads`, {
      fileName: 'clip.mp4',
      contentType: 'video/mp4',
      size: 1000,
      stage: 'intake',
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors).toEqual([expect.objectContaining({ field: 'contentType', in: 'body' })]);
  });

  it('is attached at each stage only by the role that acts there', async () => {
    const caseId = await reportedCase();
    const asked = await enforcer.post(`/cases/${caseId}/evidence-uploads`, {
      fileName: 'x.jpg',
      contentType: 'image/jpeg',
      size: 100,
      stage: 'intake',
    });
    expect(asked.status).toBe(403);
  });

  it('downloads through a short-lived link only for people who may see the case', async () => {
    const caseId = await reportedCase();
    const { evidenceId } = await attach(reporter, caseId, {
      bytes: photo,
      contentType: 'image/jpeg',
      fileName: '现场照片.jpg',
      stage: 'intake',
    });
    const link = await officer.get(`/cases/${caseId}/evidence/${evidenceId}/download`);
    expect(link.status).toBe(200);
    expect(new URL(link.body.url).searchParams.get('X-Amz-Expires')).toBe('60');
    const downloaded = await fetch(link.body.url);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(photo)).toBe(true);
    const refused = await otherReporter.get(`/cases/${caseId}/evidence/${evidenceId}/download`);
    expect(refused.status).toBe(404);
    expect(refused.body.url).toBeUndefined();
  });
});
