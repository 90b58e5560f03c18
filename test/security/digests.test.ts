import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDigestVerifier, makeDigestWriter } from '#app/digests';
import { applyEvent } from '#domain/case-history';
import { canonicalJson, hashEvent } from '#domain/chain';
import { decide } from '#domain/lifecycle';
import type { Digest } from '#domain/digest';
import { digestKey } from '#domain/digest';
import type { CaseRecord } from '#domain/schemas';
import { DIGEST_KEY_FILE, localDigestSigner } from '#local/local-digest-signer';
import { keys } from '#store/table';
import { freshBucket } from '#test/support/objects';
import type { ApiHarness } from '../api/support/harness';
import { startApiHarness } from '../api/support/harness';
import { CaseStates } from '../api/support/case-states';
import { runRectify } from '../cli/run-rectify';

/**
 * The history anchored outside the table: signed digests of the chain heads in the object store, on
 * DynamoDB Local and the local S3. Someone who can write the table rewrites histories and heads as they
 * like; the digests signed before name every case so rewritten, and every digest altered or removed.
 */
let api: ApiHarness;
let states: CaseStates;
let doc: DynamoDBDocumentClient;
let archive: Awaited<ReturnType<typeof freshBucket>>;
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-digests-'));
});
beforeEach(async () => {
  // Each test its own table and its own chain of digests; the key under DATA_DIR is the same throughout.
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z') });
  states = new CaseStates(api.store, () => api.clock.now());
  doc = (api.store as unknown as { doc: DynamoDBDocumentClient }).doc;
  archive = await freshBucket('digests');
});
afterEach(async () => {
  archive.close();
  await api.close();
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const table = () => api.store.tableName;
function writer() {
  return makeDigestWriter({
    store: api.store,
    digests: { archive: archive.objects, signer: localDigestSigner(dataDir) },
    clock: api.clock,
  });
}
function verifier() {
  return makeDigestVerifier({
    store: api.store,
    digests: { archive: archive.objects, publicKey: localDigestSigner(dataDir) },
  });
}
async function digestAt(sequence: number): Promise<Digest> {
  const bytes = await archive.objects.getBytes(digestKey(sequence), { maxBytes: 1e8 });
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as Digest;
}
async function eventItem(id: string, seq: number): Promise<Record<string, unknown>> {
  const answer = await doc.send(new GetCommand({ TableName: table(), Key: keys.event(id, seq) }));
  return answer.Item as Record<string, unknown>;
}
async function setHead(id: string, lastHash: string) {
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.case(id),
      UpdateExpression: 'SET lastHash = :h',
      ExpressionAttributeValues: { ':h': lastHash },
    }),
  );
}
/** Rewrites event `seq` with `change` and every event after it, each hash recomputed, and the head to match. */
async function rewriteFrom(record: CaseRecord, seq: number, change: Record<string, unknown>) {
  let prevHash = seq === 1 ? '0'.repeat(64) : ((await eventItem(record.id, seq - 1)).hash as string);
  for (let at = seq; at <= record.lastSeq; at += 1) {
    const { PK, SK, entity, hash: _old, ...content } = await eventItem(record.id, at);
    const rewritten = { ...content, ...(at === seq ? change : {}), prevHash };
    const hash = hashEvent(rewritten as never);
    await doc.send(new PutCommand({ TableName: table(), Item: { PK, SK, entity, ...rewritten, hash } }));
    prevHash = hash;
  }
  await setHead(record.id, prevHash);
  return prevHash;
}
async function historyVerdict(id: string) {
  const auditor = await api.as('auditor');
  const answer = await auditor.get(`/cases/${id}/history?verify=true`);
  return answer.body.verification as { ok: boolean };
}

/** Moves a case's head on, as the API's dismissal does: one more event on its chain. */
async function dismiss(record: CaseRecord): Promise<CaseRecord> {
  const decision = decide(record.status, 'dismiss', 'officer');
  if (!decision.allowed) throw new Error(decision.reason);
  const { next, event } = applyEvent(
    record,
    {
      type: decision.event,
      actor: { sub: 'officer-1', role: 'officer' },
      at: api.clock.now(),
      data: { reason: 'duplicate' },
    },
    decision.to,
  );
  await api.store.commit(record, next, event);
  return next;
}

describe('writing digests', () => {
  it('the first digest anchors every case at its head, signed with the local key kept 0600 under DATA_DIR', async () => {
    const [closed, reported] = [await states.closed(), await states.reported()];
    const first = await writer().now();
    expect(first).toMatchObject({ written: true, sequence: 1, periodStart: null });
    const digest = await digestAt(1);
    expect(digest.previous).toBeNull();
    expect(digest.heads).toEqual(
      expect.arrayContaining([
        { caseId: closed.id, seq: closed.lastSeq, hash: closed.lastHash },
        { caseId: reported.id, seq: reported.lastSeq, hash: reported.lastHash },
      ]),
    );
    expect(statSync(path.join(dataDir, DIGEST_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(await verifier().verify()).toMatchObject({ ok: true, digestProblems: [], rewritten: [] });
  });

  it('the next lists the cases whose head moved since (days later too), chained to the previous by its SHA-256', async () => {
    const [quiet, moving] = [await states.reported(), await states.reported()];
    // A head that moved at the very instant a period ends is listed again in the next digest, to be safe.
    api.clock.advance(60_000);
    const first = await writer().now();
    api.clock.advance(3 * 86_400_000);
    const moved = await dismiss(moving);
    const second = await writer().now();
    const digest = await digestAt(second.sequence);
    expect(digest).toMatchObject({
      sequence: first.sequence + 1,
      periodStart: first.periodEnd,
      previous: { key: first.key },
    });
    expect(digest.heads).toEqual([{ caseId: moving.id, seq: moved.lastSeq, hash: moved.lastHash }]);
    expect(digest.heads.map((head) => head.caseId)).not.toContain(quiet.id);
    const report = await verifier().verify();
    expect(report).toMatchObject({ ok: true, digests: { stored: 2, verified: 2 } });
    // Each digest as the auditor's list shows it, in chain order, read from the signed file.
    expect(report.digests.items).toEqual(
      [first, second].map((written) => ({
        key: written.key,
        holds: true,
        sequence: written.sequence,
        periodStart: written.periodStart,
        periodEnd: written.periodEnd,
        writtenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        heads: written.heads,
      })),
    );
  });

  it('the daily run is idempotent per period: run again, it writes nothing', async () => {
    await states.reported();
    const first = await writer().daily();
    const again = await writer().daily();
    expect(first.written).toBe(true);
    expect(again).toMatchObject({ written: false, key: first.key, periodEnd: first.periodEnd });
    expect(first.periodEnd).toBe(`${api.clock.now().toISOString().slice(0, 10)}T00:00:00.000Z`);
  });
});

describe('a history rewritten after it was anchored', () => {
  it('an event edited: named, though its content no longer matches its hash anyway', async () => {
    const record = await states.closed();
    await writer().now();
    const event = await eventItem(record.id, 2);
    await doc.send(new PutCommand({ TableName: table(), Item: { ...event, data: { rewritten: true } } }));
    const report = await verifier().verify();
    expect(report.ok).toBe(false);
    expect(report.rewritten).toEqual([
      expect.objectContaining({ caseId: record.id, anchored: expect.objectContaining({ seq: record.lastSeq }) }),
    ]);
  });

  it('the last event rewritten, its hash recomputed and the head rewritten to match: the table alone verifies, the digest names it', async () => {
    const record = await states.closed();
    await writer().now();
    await rewriteFrom(record, record.lastSeq, { actor: { sub: 'someone-else', role: 'system' } });
    expect(await historyVerdict(record.id)).toMatchObject({ ok: true });
    const report = await verifier().verify();
    expect(report.rewritten).toEqual([
      {
        caseId: record.id,
        anchored: { seq: record.lastSeq, hash: record.lastHash, digest: digestKey(1), writtenAt: expect.any(String) },
        reason: expect.stringContaining(`event ${record.lastSeq} does not match the head ${digestKey(1)} anchored`),
      },
    ]);
  });

  it('the whole history rewritten from an early event, every hash and the head recomputed: named', async () => {
    const record = await states.closed();
    const untouched = await states.closed();
    await writer().now();
    await rewriteFrom(record, 2, { actor: { sub: 'someone-else', role: 'system' } });
    expect(await historyVerdict(record.id)).toMatchObject({ ok: true });
    const report = await verifier().verify();
    expect(report.rewritten.map((r) => r.caseId)).toEqual([record.id]);
    expect(report.rewritten.map((r) => r.caseId)).not.toContain(untouched.id);
  });

  it('events added after the anchor, as the procedure adds them: nothing named', async () => {
    const record = await states.reported();
    await writer().now();
    await dismiss(record);
    expect(await verifier().verify()).toMatchObject({ ok: true, rewritten: [] });
  });
});

describe('the digests themselves', () => {
  async function threeDigests() {
    await states.reported();
    for (let day = 0; day < 3; day += 1) {
      await dismiss(await states.reported());
      await writer().now();
      api.clock.advance(86_400_000);
    }
  }

  it('a digest file altered (a head replaced, its metadata kept): its signature fails', async () => {
    await threeDigests();
    const key = digestKey(2);
    const stored = await archive.s3.send(new GetObjectCommand({ Bucket: archive.bucket, Key: key }));
    const digest = JSON.parse(await stored.Body!.transformToString()) as Digest;
    const altered = { ...digest, heads: digest.heads.map((head) => ({ ...head, hash: 'f'.repeat(64) })) };
    await archive.s3.send(
      new PutObjectCommand({
        Bucket: archive.bucket,
        Key: key,
        Body: canonicalJson(altered),
        ContentType: 'application/json',
        Metadata: stored.Metadata,
      }),
    );
    const report = await verifier().verify();
    expect(report.ok).toBe(false);
    expect(report.digestProblems).toEqual(
      expect.arrayContaining([{ key, reason: expect.stringContaining('signature does not hold') }]),
    );
    // The next digest signed the original bytes of this one: its link fails too.
    expect(report.digestProblems).toEqual(
      expect.arrayContaining([{ key: digestKey(3), reason: expect.stringContaining('SHA-256 differs') }]),
    );
    // The altered file's content is not to be trusted: the list names it by its key alone.
    expect(report.digests.items).toEqual([
      expect.objectContaining({ key: digestKey(1), holds: true, sequence: 1 }),
      { key, holds: false },
      expect.objectContaining({
        key: digestKey(3),
        holds: false,
        sequence: 3,
        heads: (await digestAt(3)).heads.length,
      }),
    ]);
  });

  it('a digest removed from the chain: the next one names it as missing', async () => {
    await threeDigests();
    await archive.s3.send(new DeleteObjectCommand({ Bucket: archive.bucket, Key: digestKey(2) }));
    const report = await verifier().verify();
    expect(report).toMatchObject({ ok: false, digests: { stored: 2, verified: 1 } });
    expect(report.digests.items.map(({ key, holds }) => ({ key, holds }))).toEqual([
      { key: digestKey(1), holds: true },
      { key: digestKey(3), holds: false },
    ]);
    expect(report.digestProblems).toEqual([
      {
        key: digestKey(3),
        reason: expect.stringContaining(`names ${digestKey(2)} as the previous digest, which is missing`),
      },
    ]);
  });

  it('a digest signed by another key: its signature fails', async () => {
    await threeDigests();
    const otherDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-other-key-'));
    try {
      const report = await makeDigestVerifier({
        store: api.store,
        digests: { archive: archive.objects, publicKey: localDigestSigner(otherDir) },
      }).verify();
      expect(report.digestProblems).toHaveLength(3);
      expect(report.rewritten).toEqual([]);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe('the auditor route and `rectify verify --digests`', () => {
  it('an officer anchors now, an auditor checks and is named the rewritten case, in the API and on the command line', async () => {
    const record = await states.closed();
    const officer = await api.as('officer');
    const auditor = await api.as('auditor');
    expect(await auditor.post('/digests', {})).toMatchObject({ status: 403 });
    const written = await officer.post('/digests', {});
    expect(written).toMatchObject({ status: 200, body: { written: true, sequence: 1 } });

    const clean = await runRectify(
      { RECTIFY_API_URL: api.url, RECTIFY_TOKEN: await api.auth.issue({ role: 'auditor' }) },
      ['verify', '--digests'],
    );
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, casesChecked: 1, rewritten: [] });

    await rewriteFrom(record, record.lastSeq, { actor: { sub: 'someone-else', role: 'system' } });
    const answer = await auditor.get('/digests/verification');
    expect(answer).toMatchObject({
      status: 200,
      body: { ok: false, cases: { checked: 1, complete: true }, rewritten: [{ caseId: record.id }] },
    });
    const named = await runRectify(
      { RECTIFY_API_URL: api.url, RECTIFY_TOKEN: await api.auth.issue({ role: 'auditor' }) },
      ['verify', '--digests'],
    );
    expect(named.code).toBe(2);
    expect(JSON.parse(named.stdout)).toMatchObject({ ok: false, rewritten: [{ caseId: record.id }] });
  });

  it('the public key the route publishes checks a digest offline with openssl, and refuses it once altered', async () => {
    await states.reported();
    await (await api.as('officer')).post('/digests', {});
    const key = await (await api.as('auditor')).get('/digests/public-key');
    expect(key).toMatchObject({ status: 200, body: { algorithm: 'ECDSA_SHA_256', curve: 'P-256' } });
    const { archive: stored } = api.deps.digests;
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rectify-auditor-'));
    try {
      const file = (name: string) => path.join(folder, name);
      writeFileSync(file('key.pem'), key.body.publicKeyPem as string);
      writeFileSync(file('digest.json'), await stored.getBytes(digestKey(1), { maxBytes: 1e8 }));
      const signature = (await stored.head(digestKey(1)))?.metadata.signature ?? '';
      writeFileSync(file('digest.sig'), Buffer.from(signature, 'base64'));
      const openssl = (digest: string) => {
        const run = spawnSync(
          'openssl',
          ['dgst', '-sha256', '-verify', file('key.pem'), '-signature', file('digest.sig'), digest],
          { encoding: 'utf8' },
        );
        if (run.error) throw new Error(`openssl is missing: apt-get install -y openssl (${run.error.message})`);
        return run;
      };
      expect(openssl(file('digest.json'))).toMatchObject({ status: 0, stdout: expect.stringContaining('Verified OK') });
      writeFileSync(file('altered.json'), `${readFileSync(file('digest.json'), 'utf8')} `);
      expect(openssl(file('altered.json'))).toMatchObject({
        status: 1,
        stdout: expect.stringContaining('Verification failure'),
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a malformed `after` is refused naming the field', async () => {
    const answer = await (await api.as('auditor')).get('/digests/verification?after=nope');
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('after');
  });
});
