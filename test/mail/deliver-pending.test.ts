import { createHash } from 'node:crypto';
import { mailId } from '#mail/mailer';
import { freshBucket } from '../support/objects';
import type { SweepReport } from '#mail/mailer';
import { mailboxForCase } from '../support/mailbox';
import type { MailHarness } from './harness';
import { CONSOLE_URL, RECIPIENTS, mailHarness } from './harness';
import { caseThroughStages } from './stages';

describe('the scheduled sweep (functions/mail/deliver-pending.ts)', () => {
  let h: MailHarness;
  let bucket: Awaited<ReturnType<typeof freshBucket>>;
  beforeAll(async () => {
    h = await mailHarness('mail-sweep-handler');
    // Sets OBJECT_BUCKET, which the entry reads: the sweep reads attachments from the object store.
    bucket = await freshBucket('mail-sweep-handler');
  });
  afterAll(async () => {
    await h.close();
    bucket.close();
  });

  it('delivers an email a stopped process recorded but never sent, with the stored file it references attached', async () => {
    const stages = await caseThroughStages(h.table.store);
    const pdf = Buffer.from('%PDF-1.3 a document the email announces');
    const key = `cases/${stages.reported.id}/documents/notice/RN-2026-000001.pdf`;
    await bucket.objects.putImmutable(key, pdf, { contentType: 'application/pdf' });
    // Recorded, then the process died before its first attempt.
    const recorder = h.mailer();
    const [prepared] = recorder.prepare({
      kind: 'inspection-overdue',
      occasion: 'inspection-overdue-1',
      caseRecord: stages.awaitingInspection,
      attachments: [
        {
          key,
          fileName: '限期拆除通知书-RN-2026-000001.pdf',
          contentType: 'application/pdf',
          sha256: createHash('sha256').update(pdf).digest('hex'),
          size: pdf.byteLength,
        },
      ],
    });
    if (!prepared) throw new Error('nothing prepared');
    await recorder.outbox.record(prepared.mail, Date.now());
    expect(await mailboxForCase(h.endpoint, stages.reported.id)).toEqual([]);

    process.env.MAIL_RECIPIENTS_JSON = JSON.stringify({
      ...RECIPIENTS,
      subdistricts: { 小龙坎街道: ['xlk-jdb@example.gov.cn'] },
    });
    process.env.CONSOLE_URL = CONSOLE_URL;
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const { handler } = (await import('#mail/deliver-pending')) as {
      handler: (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<SweepReport>;
    };
    const report = await handler(
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      { getRemainingTimeInMillis: () => 60_000 },
    );
    expect(report).toEqual({ sent: 1, pending: 0, failed: 0, unconfirmed: 0 });
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(mails.map((m) => m.mailId)).toEqual([
      mailId(stages.reported.id, 'inspection-overdue-1', 'inspection-overdue'),
    ]);
    expect(mails[0]?.subject).toContain('复查逾期');
    expect(mails[0]?.attachments.map((a) => [a.fileName, a.content.equals(pdf)])).toEqual([
      ['限期拆除通知书-RN-2026-000001.pdf', true],
    ]);
    expect(await handler({}, { getRemainingTimeInMillis: () => 60_000 })).toEqual({
      sent: 0,
      pending: 0,
      failed: 0,
      unconfirmed: 0,
    });
  });
});
