import { createHash } from 'node:crypto';
import fs, { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Email } from 'aws-ses-v2-local/dist/store';
import type * as SesLocalModule from '#local/ses-local';
import type * as StoreModule from 'aws-ses-v2-local/dist/store';

/**
 * The mailbox page runs in the API's process: saving it must never hold that process up. With a large
 * mailbox (20,000 emails, about 25 MB, as after a long run), a save writes the new emails only — appended,
 * the file's earlier bytes untouched — and does no synchronous file work, so the event loop that serves
 * the API is free while it is written. Restarts read it back, including an older version's mailbox.json
 * and a last line cut short by a kill.
 */
const LARGE = 20_000;

/** A fresh copy of the local SES and of the library's in-memory mailbox: a new process. */
function freshProcess(): { ses: typeof SesLocalModule; store: typeof StoreModule } {
  let loaded: { ses: typeof SesLocalModule; store: typeof StoreModule } | undefined;
  jest.isolateModules(() => {
    loaded = {
      ses: jest.requireActual<typeof SesLocalModule>('#local/ses-local'),
      store: jest.requireActual<typeof StoreModule>('aws-ses-v2-local/dist/store'),
    };
  });
  if (!loaded) throw new Error('modules not loaded');
  return loaded;
}

function email(index: number): Email {
  return {
    messageId: `message-${index}`,
    from: 'rectify@rectify.local',
    replyTo: [],
    destination: { to: ['xiaolongkan-office@rectify.local'], cc: [], bcc: [] },
    subject: `限期拆除通知书 RN-2026-${String(index).padStart(6, '0')}`,
    body: { text: `当事人 刘某 13700137000 ${'违法建设 '.repeat(150)}` },
    attachments: [],
    headers: [{ name: 'X-Rectify-Mail-Id', value: `case-${index}#notice` }],
    at: 1_780_000_000 + index,
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-mailbox-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the mailbox page’s saved copy', () => {
  it('saves a large mailbox by appending the new emails, without synchronous file work', async () => {
    const { ses, store } = freshProcess();
    const local = await ses.startLocalSes({ port: 0, dataDir });
    try {
      for (let i = 0; i < LARGE; i += 1) store.saveEmail(email(i));
      await local.save();
      const file = path.join(dataDir, 'mailbox.jsonl');
      expect(lines(file)).toHaveLength(LARGE);
      expect(statSync(file).size).toBeGreaterThan(20 * 1024 * 1024);
      const before = readFileSync(file);
      const inode = statSync(file).ino;

      const synchronous = ['writeFileSync', 'appendFileSync', 'renameSync', 'writeSync', 'openSync'] as const;
      const spies = synchronous.map((name) => jest.spyOn(fs, name));
      store.saveEmail(email(LARGE));
      await local.save();
      expect(Object.fromEntries(synchronous.map((name, i) => [name, spies[i]?.mock.calls.length]))).toEqual(
        Object.fromEntries(synchronous.map((name) => [name, 0])),
      );

      const after = readFileSync(file);
      expect(statSync(file).ino).toBe(inode);
      expect(sha256(after.subarray(0, before.length))).toBe(sha256(before));
      expect(after.subarray(before.length).toString('utf8')).toBe(`${JSON.stringify(email(LARGE))}\n`);
    } finally {
      await local.stop();
    }
  }, 120_000);

  it('reads back every email after a restart: an older mailbox.json, and a last line cut short by a kill', async () => {
    writeFileSync(path.join(dataDir, 'mailbox.json'), JSON.stringify([email(1), email(2)]));
    writeFileSync(
      path.join(dataDir, 'mailbox.jsonl'),
      `${JSON.stringify(email(3))}\n${JSON.stringify(email(4)).slice(0, 40)}`,
    );
    const { ses, store } = freshProcess();
    const local = await ses.startLocalSes({ port: 0, dataDir });
    try {
      expect(store.getStoreReadonly().emails.map((e) => e.messageId)).toEqual(['message-1', 'message-2', 'message-3']);
      store.saveEmail(email(5));
      await local.save();
    } finally {
      await local.stop();
    }
    expect(lines(path.join(dataDir, 'mailbox.jsonl')).map((line) => (JSON.parse(line) as Email).messageId)).toEqual([
      'message-1',
      'message-2',
      'message-3',
      'message-5',
    ]);
    expect(fs.existsSync(path.join(dataDir, 'mailbox.json'))).toBe(false);

    const again = freshProcess();
    const restarted = await again.ses.startLocalSes({ port: 0, dataDir });
    try {
      expect(again.store.getStoreReadonly().emails).toHaveLength(4);
    } finally {
      await restarted.stop();
    }
  });
});
