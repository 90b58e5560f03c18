import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type * as SesLocalModule from '#local/ses-local';
import { startLocalSes } from '#local/ses-local';
import { mimeMessage } from '#mail/ses-transport';
import { readMailbox } from '../support/mailbox';

async function send(
  endpoint: string,
  subject: string,
  attachments: { fileName: string; contentType: string; content: Buffer }[] = [],
) {
  const raw = await mimeMessage(
    { id: `C-20261203-7K3M2Q#test#notice-copy`, from: 'rectify@example.gov.cn', to: 'xlk-jdb@example.gov.cn' },
    { subject, text: '正文', html: '<p>正文</p>' },
    attachments,
  );
  const client = new SESClient({
    endpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  return client
    .send(
      new SendRawEmailCommand({
        Source: 'rectify@example.gov.cn',
        Destinations: ['xlk-jdb@example.gov.cn'],
        RawMessage: { Data: raw },
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
  it('accepts SES SendRawEmail, keeps the message’s headers and attachments, serves the page and the JSON store', async () => {
    const ses = await startLocalSes({ port: 0 });
    try {
      const { MessageId } = await send(ses.endpoint, '测试 subject');
      const page = await fetch(ses.mailboxUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      const mails = await readMailbox(ses.endpoint);
      expect(mails.map((m) => [m.messageId, m.subject, m.to, m.mailId])).toEqual([
        [MessageId, '测试 subject', ['xlk-jdb@example.gov.cn'], 'C-20261203-7K3M2Q#test#notice-copy'],
      ]);
      const pdf = Buffer.from('%PDF-1.7\n测试\n%%EOF\n');
      await send(ses.endpoint, '附件', [
        { fileName: '限期拆除通知书.pdf', contentType: 'application/pdf', content: pdf },
      ]);
      const withFile = (await readMailbox(ses.endpoint)).find((m) => m.subject === '附件');
      expect(withFile?.attachments.map((a) => [a.fileName, a.contentType, a.content.equals(pdf)])).toEqual([
        ['限期拆除通知书.pdf', 'application/pdf', true],
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
