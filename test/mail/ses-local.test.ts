import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type * as SesLocalModule from '#local/ses-local';
import { startLocalSes } from '#local/ses-local';
import { readMailbox } from '../support/mailbox';

function send(endpoint: string, subject: string) {
  const client = new SESv2Client({
    endpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  return client
    .send(
      new SendEmailCommand({
        FromEmailAddress: 'rectify@example.gov.cn',
        Destination: { ToAddresses: ['xlk-jdb@example.gov.cn'] },
        Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: '正文' } } } },
      }),
    )
    .finally(() => client.destroy());
}

/** The emails the local SES saved in its data folder, one JSON line each. */
function savedLines(dataDir: string): string[] {
  return readFileSync(path.join(dataDir, 'mailbox.jsonl'), 'utf8').split('\n').filter(Boolean);
}

/** A fresh copy of the local SES module and of the library's in-memory mailbox: a new process. */
function freshProcess(): typeof SesLocalModule {
  let loaded: typeof SesLocalModule | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<typeof SesLocalModule>('#local/ses-local');
  });
  if (!loaded) throw new Error('module not loaded');
  return loaded;
}

describe('the local SES', () => {
  it('accepts SES v2 SendEmail, serves the mailbox page and the JSON store', async () => {
    const ses = await startLocalSes({ port: 0 });
    try {
      const { MessageId } = await send(ses.endpoint, '测试 subject');
      const page = await fetch(ses.mailboxUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      const mails = await readMailbox(ses.endpoint);
      expect(mails.map((m) => [m.messageId, m.subject, m.to])).toEqual([
        [MessageId, '测试 subject', ['xlk-jdb@example.gov.cn']],
      ]);
    } finally {
      await ses.stop();
    }
  });

  it('says which port is taken instead of hanging', async () => {
    const ses = await startLocalSes({ port: 0 });
    try {
      await expect(startLocalSes({ port: ses.port })).rejects.toThrow(`could not listen on 127.0.0.1:${ses.port}`);
    } finally {
      await ses.stop();
    }
  });

  it('with a data folder, a restarted local SES still shows what was sent before', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-mailbox-'));
    try {
      const first = await freshProcess().startLocalSes({ port: 0, dataDir });
      await send(first.endpoint, 'before the restart');
      await first.stop();
      expect(savedLines(dataDir)).toHaveLength(1);

      const second = await freshProcess().startLocalSes({ port: 0, dataDir });
      try {
        await send(second.endpoint, 'after the restart');
        expect((await readMailbox(second.endpoint)).map((m) => m.subject)).toEqual([
          'before the restart',
          'after the restart',
        ]);
      } finally {
        await second.stop();
      }
      expect(savedLines(dataDir)).toHaveLength(2);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
