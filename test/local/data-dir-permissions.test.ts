import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { startE2eStack } from '../e2e/support';
import { seedSubmission } from '../fixtures/submissions';
import { eventually } from '../e2e/support';
import { readMailbox } from '../support/mailbox';

/**
 * DATA_DIR holds every case, every email body with party names and phone numbers, and the keys that sign
 * tokens and seal cursors: the folder is this user's alone (0700) and so is every file the stack and
 * DynamoDB Local write in it (0600), also in a folder an older version left readable to others.
 */
let parent: string;

beforeAll(() => {
  parent = mkdtempSync(path.join(os.tmpdir(), 'rectify-perms-'));
});
afterAll(() => {
  rmSync(parent, { recursive: true, force: true });
});

/** Every entry under a folder (itself included) whose mode lets anybody but the owner in. */
function openToOthers(folder: string): string[] {
  const entries = [folder, ...readdirSync(folder, { recursive: true }).map((name) => path.join(folder, String(name)))];
  return entries
    .map((entry) => ({ entry, mode: statSync(entry).mode }))
    .filter(({ mode }) => (mode & 0o077) !== 0)
    .map(({ entry, mode }) => `${path.relative(folder, entry) || '.'} ${(mode & 0o777).toString(8)}`);
}

/** Runs the stack on a folder through a case with its emails, then stops it (the mailbox is saved). */
async function runOnce(dataDir: string): Promise<void> {
  const e2e = await startE2eStack({ dataDir, demoData: true });
  try {
    const reporter = await e2e.as('reporter');
    const created = await reporter.post(
      '/cases',
      seedSubmission({ discoveredOn: shanghaiDateOf(e2e.stack.clock.now()) }),
      { 'idempotency-key': randomUUID() },
    );
    expect(created.status).toBe(201);
    await eventually('an email about the case in the mailbox', async () => {
      const mails = await readMailbox(e2e.stack.mailStoreUrl.replace(/\/store$/, ''));
      return mails.some((m) => m.mailId?.startsWith(`${created.body.id}#`)) ? true : undefined;
    });
  } finally {
    await e2e.stop();
  }
}

describe('the data folder', () => {
  it('is created 0700 with every file 0600 on a fresh start', async () => {
    const dataDir = path.join(parent, 'fresh');
    await runOnce(dataDir);
    const names = readdirSync(dataDir, { recursive: true }).map(String);
    expect(names).toEqual(expect.arrayContaining(['mailbox.jsonl', 'clock.json', 'dynamodb', 'auth']));
    expect(names.some((name) => name.startsWith('dynamodb/') && name.endsWith('.db'))).toBe(true);
    expect(openToOthers(dataDir)).toEqual([]);
  }, 120_000);

  it('is tightened when an older version left it and its files readable to others', async () => {
    const dataDir = path.join(parent, 'older');
    mkdirSync(path.join(dataDir, 'dynamodb'), { recursive: true });
    writeFileSync(path.join(dataDir, 'mailbox.jsonl'), '');
    writeFileSync(path.join(dataDir, 'notes-from-before.txt'), 'left by an older version');
    for (const folder of [dataDir, path.join(dataDir, 'dynamodb')]) chmodSync(folder, 0o755);
    for (const file of ['mailbox.jsonl', 'notes-from-before.txt']) chmodSync(path.join(dataDir, file), 0o644);
    expect(openToOthers(dataDir).length).toBeGreaterThan(0);

    await runOnce(dataDir);
    expect(openToOthers(dataDir)).toEqual([]);
  }, 120_000);
});
