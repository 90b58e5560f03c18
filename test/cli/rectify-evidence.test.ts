import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { CaseEvent } from '#domain/schemas';
import type { Role } from '#domain/vocabulary';
import { jpegWithExif, PDF_BYTES } from '../fixtures/photos';
import type { ApiHarness } from '../api/support/harness';
import { startApiHarness } from '../api/support/harness';
import { CaseStates } from '../api/support/case-states';
import { cellsOf, runRectify } from './run-rectify';

/**
 * `rectify evidence` and the actions' `--evidence`/`--receipt-evidence`, run as a person runs them, against
 * the API on DynamoDB Local and the run's local S3: the bytes go through the presigned links the API gives.
 */
let api: ApiHarness;
let states: CaseStates;
let dir: string;
const area = `证据街道-${randomUUID().slice(0, 6)}`;
const inArea = (address: string) => ({
  submission: { location: { subdistrict: area, community: '解放坡社区', address } },
});

beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-11-29T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  dir = mkdtempSync(path.join(os.tmpdir(), 'rectify-evidence-'));
});
afterAll(async () => {
  await api.close();
});

async function rectify(role: Role, args: string[]) {
  return runRectify(
    { RECTIFY_API_URL: api.url, RECTIFY_TOKEN: await api.auth.issue({ role, sub: `${role}-evidence-cli` }) },
    args,
  );
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A file on disk, as a person would have it: a phone photo taken in Chongqing at 10:30 Beijing time. */
function photoFile(name: string, takenAt = '2026:11:20 10:30:00'): { file: string; bytes: Buffer } {
  const bytes = jpegWithExif({ takenAt, latitude: 29.5586, longitude: 106.4628 });
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return { file, bytes };
}

/** `rectify evidence upload` of one file: the evidence id and SHA-256 it printed. */
async function uploaded(role: Role, caseId: string, file: string, stage: string) {
  const run = await rectify(role, ['evidence', 'upload', caseId, file, '--stage', stage]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const [evidenceId, printedSha256, printedFile] = run.stdout.trim().split(/\s{2,}/);
  expect(printedFile).toBe(file);
  return { evidenceId: evidenceId!, sha256: printedSha256! };
}

async function eventsOf(caseId: string): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  for await (const event of api.store.allEvents(caseId)) events.push(event);
  return events;
}

describe('rectify evidence', () => {
  it('uploads a photo through the presigned PUT, prints its id and SHA-256, and lists it with its facts', async () => {
    const awaiting = await states.awaitingInspection(`token-${randomUUID()}`, inArea('石小路21号'));
    const { file, bytes } = photoFile('复查照片.jpg');
    const { evidenceId, sha256: printed } = await uploaded('officer', awaiting.id, file, 'inspection');
    expect(evidenceId).toMatch(/^E-[0-9a-f]{24}$/);
    expect(printed).toBe(sha256(bytes));
    expect((await eventsOf(awaiting.id)).at(-1)).toMatchObject({
      type: 'EVIDENCE_ADDED',
      data: { evidenceId, sha256: sha256(bytes), size: bytes.byteLength },
    });

    const listed = await rectify('auditor', ['evidence', 'list', awaiting.id]);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const [header, ...lines] = listed.stdout.trimEnd().split('\n');
    expect(cellsOf(header!)).toEqual([
      'EVIDENCE',
      'FILE',
      'STAGE',
      'TYPE',
      'SIZE',
      'SHA-256',
      'CAPTURED (BEIJING)',
      'GPS',
      'ADDED BY',
      'ADDED (BEIJING)',
      'HASH CHECK',
    ]);
    expect(lines.map(cellsOf)).toEqual([
      [
        evidenceId,
        '复查照片.jpg',
        'inspection',
        'JPEG',
        bytes.byteLength < 1024 ? `${bytes.byteLength} B` : `${(bytes.byteLength / 1024).toFixed(1)} KB`,
        sha256(bytes),
        // The camera's 10:30 is Beijing time, shown as it was taken.
        '2026-11-20 10:30',
        '29.55860,106.46280',
        'officer-evidence-cli (officer)',
        expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
        'ok',
      ],
    ]);

    const json = await rectify('officer', ['evidence', 'list', awaiting.id, '--json', '--no-verify']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        evidenceId,
        sha256: sha256(bytes),
        capturedAt: '2026-11-20T02:30:00.000Z',
        addedBy: { sub: 'officer-evidence-cli', role: 'officer' },
      }),
    ]);
    expect(JSON.parse(json.stdout)[0].check).toBeUndefined();
  });

  it('cites the uploaded photo in an inspection with --evidence: the event records its SHA-256', async () => {
    const awaiting = await states.awaitingInspection(`token-${randomUUID()}`, inArea('石小路23号'));
    const before = photoFile('拆除前.jpg', '2026:11:28 09:00:00');
    const after = photoFile('拆除后.jpg', '2026:11:29 09:30:00');
    const first = await uploaded('officer', awaiting.id, before.file, 'inspection');
    const second = await uploaded('officer', awaiting.id, after.file, 'inspection');
    const inspected = await rectify('officer', [
      'inspect',
      awaiting.id,
      '--result',
      'not-demolished',
      '--inspector',
      '王科长',
      '--evidence',
      first.evidenceId,
      '--evidence',
      second.evidenceId,
    ]);
    expect(inspected.stderr).toBe('');
    expect(inspected.stdout).toContain(`${awaiting.id}: AWAITING_INSPECTION → ESCALATED`);
    const history = await rectify('auditor', ['history', awaiting.id, '--verify']);
    const { events, verification } = JSON.parse(history.stdout) as {
      events: CaseEvent[];
      verification: { ok: boolean };
    };
    expect(verification.ok).toBe(true);
    expect(events.find((e) => e.type === 'INSPECTION_RECORDED')?.data.evidence).toEqual([
      { evidenceId: first.evidenceId, sha256: sha256(before.bytes) },
      { evidenceId: second.evidenceId, sha256: sha256(after.bytes) },
    ]);
  });

  it('takes a comma list, and names a file of another stage by its option and its API field', async () => {
    const awaiting = await states.awaitingInspection(`token-${randomUUID()}`, inArea('石小路25号'));
    const photo = await uploaded('officer', awaiting.id, photoFile('现场.jpg').file, 'inspection');
    const pdfFile = path.join(dir, '送达回证.pdf');
    writeFileSync(pdfFile, PDF_BYTES);
    const receipt = await uploaded('officer', awaiting.id, pdfFile, 'service');
    const refused = await rectify('officer', [
      'inspect',
      awaiting.id,
      '--result',
      'not-demolished',
      '--inspector',
      '王科长',
      '--evidence',
      `${photo.evidenceId},${receipt.evidenceId}`,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `--evidence (evidenceIds[1]): ${receipt.evidenceId} (送达回证.pdf) was attached at the service stage`,
    );
    expect((await api.store.getCase(awaiting.id))?.status).toBe('AWAITING_INSPECTION');
  });

  it('serve --receipt-evidence cites the photo of the signed 送达回证', async () => {
    const noticed = await states.noticeIssued(inArea('上土湾70号'));
    const { file, bytes } = photoFile('送达回证.jpg', '2026:11:29 09:40:00');
    const receipt = await uploaded('officer', noticed.id, file, 'service');
    const served = await rectify('officer', [
      'serve',
      noticed.id,
      '--document',
      'notice',
      '--method',
      'direct',
      '--on',
      '2026-11-29',
      '--receiver',
      '张某某',
      '--receipt-evidence',
      receipt.evidenceId,
    ]);
    expect(served.stderr).toBe('');
    expect(served.code).toBe(0);
    expect((await api.store.getCase(noticed.id))?.notice?.service).toMatchObject({
      servedOn: '2026-11-29',
      receiptEvidenceId: receipt.evidenceId,
    });
    expect((await eventsOf(noticed.id)).find((e) => e.type === 'SERVICE_RECORDED')?.data.evidence).toEqual([
      { evidenceId: receipt.evidenceId, sha256: sha256(bytes) },
    ]);
  });

  it('shows the API’s refusal naming the field, exits non-zero, and still attaches the other files', async () => {
    const awaiting = await states.awaitingInspection(`token-${randomUUID()}`, inArea('石小路27号'));
    const lastSeq = (await api.store.getCase(awaiting.id))!.lastSeq;
    const photo = photoFile('照片.jpg');
    // An MP4's first box: file-type reads it as video/mp4.
    const clip = path.join(dir, 'clip.mp4');
    writeFileSync(
      clip,
      Buffer.concat([Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'), Buffer.alloc(64)]),
    );
    const notes = path.join(dir, 'notes.txt');
    writeFileSync(notes, '现场情况说明\n');
    const run = await rectify('officer', [
      'evidence',
      'upload',
      awaiting.id,
      clip,
      photo.file,
      notes,
      '--stage',
      'inspection',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: ${clip} was not attached (declared as video/mp4`);
    expect(run.stderr).toContain(`error: ${notes} was not attached (declared as application/octet-stream`);
    expect(run.stderr).toMatch(/answered 400 /);
    expect(
      run.stderr.match(/^ {2}contentType: must be one of image\/jpeg, image\/png, image\/heic, application\/pdf$/gm),
    ).toHaveLength(2);
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringContaining(`${sha256(photo.bytes)}  ${photo.file}`)]);
    const events = await eventsOf(awaiting.id);
    expect(events.slice(lastSeq).map((e) => [e.type, e.data.fileName])).toEqual([['EVIDENCE_ADDED', '照片.jpg']]);

    const badStage = await rectify('officer', ['evidence', 'upload', awaiting.id, photo.file, '--stage', 'demolition']);
    expect(badStage.code).toBe(1);
    expect(badStage.stderr).toMatch(/^ {2}--stage \(stage\): /m);

    const wrongRole = await rectify('enforcer', ['evidence', 'upload', awaiting.id, photo.file, '--stage', 'intake']);
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.stderr).toMatch(/answered 403/);
    expect((await api.store.getCase(awaiting.id))?.lastSeq).toBe(lastSeq + 1);
  });

  it('download writes the file only when its SHA-256 is the recorded one; list marks a changed file', async () => {
    const awaiting = await states.awaitingInspection(`token-${randomUUID()}`, inArea('石小路29号'));
    const { file, bytes } = photoFile('原件.jpg');
    const { evidenceId } = await uploaded('officer', awaiting.id, file, 'inspection');
    const out = path.join(dir, 'downloaded.jpg');
    const downloaded = await rectify('auditor', ['evidence', 'download', awaiting.id, evidenceId, '--out', out]);
    expect(downloaded.code).toBe(0);
    expect(downloaded.stderr).toContain(`written to ${out}`);
    expect(readFileSync(out).equals(bytes)).toBe(true);

    // The stored object replaced behind the API's back, as only someone with the bucket's keys could.
    const swapped = jpegWithExif({ takenAt: '2026:11:21 09:00:00', latitude: 29.5, longitude: 106.4 });
    await api.bucket.s3.send(
      new PutObjectCommand({
        Bucket: api.bucket.bucket,
        Key: `cases/${awaiting.id}/evidence/${evidenceId}`,
        Body: swapped,
      }),
    );
    const tampered = path.join(dir, 'tampered.jpg');
    const refused = await rectify('auditor', ['evidence', 'download', awaiting.id, evidenceId, '--out', tampered]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`SHA-256 ${sha256(swapped)}, but the case records`);
    expect(refused.stderr).toContain(sha256(bytes));
    expect(existsSync(tampered)).toBe(false);

    const listed = await rectify('auditor', ['evidence', 'list', awaiting.id]);
    expect(listed.code).toBe(2);
    const row = listed.stdout
      .trimEnd()
      .split('\n')
      .map(cellsOf)
      .find((cells) => cells[0] === evidenceId);
    expect(row?.at(-1)).toBe('✗ changed');
    expect(listed.stderr).toContain(`✗ ${evidenceId} (原件.jpg): the stored file no longer matches`);
    expect(listed.stderr).toContain(`stored ${sha256(swapped)}`);
  });
});

describe('which actions cite files', () => {
  it('offers --evidence where the action’s body takes evidenceIds, and --receipt-evidence on serve', async () => {
    const optionsOf = async (command: string[]) => {
      const help = await runRectify({}, [...command, '--help']);
      return [...help.stdout.matchAll(/^\s+(--(?:receipt-)?evidence) /gm)].map((m) => m[1]);
    };
    expect(await optionsOf(['inspect'])).toEqual(['--evidence']);
    expect(await optionsOf(['represent'])).toEqual(['--evidence']);
    expect(await optionsOf(['appeal', 'file'])).toEqual(['--evidence']);
    expect(await optionsOf(['appeal', 'resolve'])).toEqual(['--evidence']);
    expect(await optionsOf(['enforce'])).toEqual(['--evidence']);
    expect(await optionsOf(['serve'])).toEqual(['--receipt-evidence']);
    expect(await optionsOf(['extend'])).toEqual([]);
    expect(await optionsOf(['dismiss'])).toEqual([]);
    expect(await optionsOf(['resume'])).toEqual([]);
  });
});
