import { makeMailFailureLog } from '#app/mail-failures';
import { systemClock } from '#domain/clock';
import { CaseStore } from '#store/case-store';
import { startLocalSes } from '#local/ses-local';
import type { MailRequest } from '#mail/mailer';
import { SesMailer } from '#mail/ses-mailer';
import { sesClient } from '#shared/aws-clients';
import { caseThroughStages } from '#test/mail/stages';
import type { Benchmark } from './harness';
import { percentile, round } from './harness';

const RECIPIENTS = {
  from: 'rectify@example.gov.cn',
  subdistricts: { 小龙坎街道: ['xlk-jdb@example.gov.cn'] },
  fallback: ['weijian@example.gov.cn'],
};

/**
 * The outbox against DynamoDB Local and the local SES: the latency of one `deliver` (record, claim,
 * send, mark sent) and the rate at which a sweep clears a backlog of pending emails (after an outage).
 */
export const mailOutboxBenchmark: Benchmark = {
  name: 'mail.outbox',
  async run(context) {
    const { doc, tableName, client } = await context.freshTable('mail');
    const ses = await startLocalSes({ port: 0 });
    process.env.AWS_ENDPOINT_URL_SES = ses.endpoint;
    const sesSdk = sesClient();
    try {
      const mailer = new SesMailer({
        doc,
        tableName,
        ses: sesSdk,
        recipients: RECIPIENTS,
        consoleUrl: 'http://localhost:3000/console',
        failures: makeMailFailureLog({ store: new CaseStore(doc, tableName), clock: systemClock }),
      });
      const stages = await caseThroughStages(undefined);
      const request = (n: number): MailRequest => ({
        kind: 'reminder',
        occasion: `bench-${n}`,
        caseRecord: stages.noticed,
      });

      for (let i = 0; i < 30; i += 1) await mailer.deliver(request(i)); // warm the JVM and the connections
      const count = 200;
      const latencies: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const started = performance.now();
        const [delivery] = await mailer.deliver(request(1_000 + i));
        latencies.push(performance.now() - started);
        if (delivery?.status !== 'sent') throw new Error(`email not sent: ${JSON.stringify(delivery)}`);
      }
      latencies.sort((a, b) => a - b);
      context.log(
        `${count} deliveries: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`,
      );

      // A backlog: emails recorded while the mail service was away.
      const backlog = 300;
      for (let i = 0; i < backlog; i += 1) {
        const [prepared] = mailer.prepare(request(10_000 + i));
        if (prepared) await mailer.outbox.record(prepared.mail, Date.now());
      }
      const started = performance.now();
      const report = await mailer.deliverPending();
      const seconds = (performance.now() - started) / 1000;
      if (report.sent !== backlog) throw new Error(`sweep sent ${report.sent} of ${backlog}`);
      context.log(`swept ${backlog} pending emails in ${seconds.toFixed(2)} s`);

      return {
        'mail.deliver_ms.p50': { value: round(percentile(latencies, 50), 1), unit: 'ms' },
        'mail.deliver_ms.p95': { value: round(percentile(latencies, 95), 1), unit: 'ms' },
        'mail.sweep_emails_per_s': { value: round(backlog / seconds, 1), unit: 'emails/s' },
      };
    } finally {
      sesSdk.destroy();
      client.destroy();
      await ses.stop();
    }
  },
};
