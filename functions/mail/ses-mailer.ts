/**
 * The mailer: SES (SendRawEmail) behind the outbox. `deliver` records each email (deterministic id) before sending
 * and marks it sent after, so a retried task or a re-run phase never sends it twice; `deliverPending`
 * sends whatever an outage or a restart left behind. See docs/mail.md for at least once (the office's
 * emails) and at most once (the party's notice).
 */
import { createHash } from 'node:crypto';
import type { SESClient } from '@aws-sdk/client-ses';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { AppLogger } from '#app/context';
import { silentLogger } from '#app/context';
import type { Clock } from '#domain/clock';
import { systemClock } from '#domain/clock';
import type { CaseRecord } from '#domain/schemas';
import type { ComposedMail } from './compose';
import { composeMail } from './compose';
import type { MailFailureLog } from './failure-log';
import type { MailDelivery, Mailer, MailRequest, PendingMailSweeper, SweepReport } from './mailer';
import { deliveredAtLeastOnce } from './mailer';
import type { MailBody, NewOutboxMail, OutboxMail, PendingEntry, SettledStatus } from '#store/outbox';
import { FINAL_MAIL_STATUSES, Outbox } from '#store/outbox';
import type { MailRecipients } from './recipients';
import { parseMailRecipients } from './recipients';
import { classifySendError, describeError } from './send-errors';
import type { ObjectStore } from '#objects/object-store';
import { AttachmentMismatchError, readAttachments } from './attachments';
import type { MailAttachment, MailTransport } from './ses-transport';
import { sesTransport } from './ses-transport';

export interface RetryPolicy {
  /** Quick attempts within one round (the task or sweep that holds the email). */
  attemptsPerRound: number;
  /** First pause between quick attempts, doubled each time, with jitter. */
  quickDelayMs: number;
  /** Pause before the next round after a round failed, doubled per round up to `maxRoundDelayMs`. */
  roundDelayMs: number;
  maxRoundDelayMs: number;
  /** Rounds before a still-unavailable mail service counts as a permanent failure. */
  maxRounds: number;
  /** How long one sender holds an email; longer than any round can take. */
  claimLeaseMs: number;
  /**
   * Sends of an office email whose outcome may be unknown (no answer, or a sender that stopped before
   * recording the result) before it is settled UNCONFIRMED and the case flagged. Each one after the
   * first is marked as a possible repeat.
   */
  maxUnconfirmedSends: number;
}

const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attemptsPerRound: 3,
  quickDelayMs: 200,
  roundDelayMs: 10_000,
  maxRoundDelayMs: 15 * 60_000,
  maxRounds: 16,
  claimLeaseMs: 2 * 60_000,
  maxUnconfirmedSends: 3,
};

export interface SesMailerDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  ses: SESClient;
  /** Validated again here: a bad configuration stops the start, it never drops an email. */
  recipients: unknown;
  /** The console's address for links to a case (`CONSOLE_URL`); without it emails name the `rectify` command. */
  consoleUrl?: string;
  configurationSetName?: string;
  /** Where a failed email is recorded on its case (the application's EMAIL_FAILED and attention flag). */
  failures: MailFailureLog;
  /** Sends one email; SES through `ses` unless given. */
  transport?: MailTransport;
  /**
   * Where the documents an email carries are read from when it is sent. A sender without it leaves an
   * email with attachments pending, for one that has it (the pending-mail sweep).
   */
  objects?: ObjectStore;
  /**
   * The legal clock, for the times people read on an email (recorded, sent, settled): the clock that
   * stamps the case's events, which the local stack runs accelerated. The real clock unless given.
   */
  clock?: Pick<Clock, 'now'>;
  /** Wall-clock epoch ms, for claims and backoff. */
  wallNow?: () => number;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  logger?: AppLogger;
  /** Emails sent at once by a sweep. */
  sweepConcurrency?: number;
}

/** The occasion of the alert raised when an email fails: derived from the email, so raised once. */
function alertOccasion(mail: OutboxMail): string {
  const digest = createHash('sha256').update(mail.id).digest('hex').slice(0, 16);
  return `email-failed.${mail.kind}.${digest}`;
}

function emptyReport(): SweepReport {
  return { sent: 0, pending: 0, failed: 0, unconfirmed: 0 };
}

export class SesMailer implements Mailer, PendingMailSweeper {
  readonly outbox: Outbox;
  private readonly recipients: MailRecipients;
  private readonly transport: MailTransport;
  private readonly wallNow: () => number;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retry: RetryPolicy;
  private readonly logger: AppLogger;

  constructor(private readonly deps: SesMailerDeps) {
    if (!deps.tableName) throw new Error('mailer: tableName is required');
    if (deps.consoleUrl !== undefined && !z.url().safeParse(deps.consoleUrl).success)
      throw new Error(`mailer: consoleUrl must be a URL, got ${JSON.stringify(deps.consoleUrl)}`);
    this.recipients = parseMailRecipients(deps.recipients);
    this.outbox = new Outbox(deps.doc, deps.tableName);
    this.transport = deps.transport ?? sesTransport(deps.ses, deps.configurationSetName);
    this.wallNow = deps.wallNow ?? Date.now;
    this.clock = deps.clock ?? systemClock;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.retry = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.logger = deps.logger ?? silentLogger;
  }

  /** The emails a request produces, rendered and addressed, without recording or sending anything. */
  prepare(request: MailRequest): ComposedMail[] {
    return composeMail(request, {
      recipients: this.recipients,
      ...(this.deps.consoleUrl ? { consoleUrl: this.deps.consoleUrl } : {}),
      createdAt: this.clock.now().toISOString(),
    });
  }

  async deliver(request: MailRequest): Promise<MailDelivery[]> {
    const deliveries: MailDelivery[] = [];
    for (const { mail } of this.prepare(request)) {
      const { mail: stored, created } = await this.outbox.record(mail, this.wallNow());
      // Just recorded, its body is the one in hand; an email recorded earlier is sent as it was recorded.
      const status = await this.settle(stored, created ? mail : undefined);
      deliveries.push({
        id: mail.id,
        status: status === 'sent' && !created && stored.status === 'SENT' ? 'already-sent' : status,
      });
    }
    return deliveries;
  }

  /** Sends every pending email that is due, oldest first, each at most once. */
  async deliverPending(options: { budgetMs?: number } = {}): Promise<SweepReport> {
    const started = this.wallNow();
    const report = emptyReport();
    const concurrency = Math.max(1, this.deps.sweepConcurrency ?? 4);
    let cursor: string | undefined;
    do {
      const page = await this.outbox.pendingPage({ cursor, limit: 50 });
      for (let i = 0; i < page.items.length; i += concurrency) {
        if (options.budgetMs !== undefined && this.wallNow() - started > options.budgetMs) {
          report.pending += page.items.length - i;
          return report;
        }
        const statuses = await Promise.all(
          page.items.slice(i, i + concurrency).map((entry) => this.settleEntry(entry)),
        );
        for (const status of statuses) {
          if (status === 'sent') report.sent += 1;
          else if (status === 'pending') report.pending += 1;
          else if (status === 'failed') report.failed += 1;
          else if (status === 'unconfirmed') report.unconfirmed += 1;
        }
      }
      cursor = page.cursor;
    } while (cursor);
    if (report.sent + report.failed + report.unconfirmed > 0) this.logger.info('pending emails swept', { ...report });
    return report;
  }

  private async settleEntry(entry: PendingEntry): Promise<MailDelivery['status'] | 'settled'> {
    // Most listed emails are simply due: claiming first saves reading each one.
    const claimed = await this.outbox.claim(
      { caseId: entry.caseId, id: entry.mailId },
      this.wallNow(),
      this.retry.claimLeaseMs,
    );
    if (claimed) return this.sendClaimed(claimed);
    const mail = await this.outbox.get(entry.caseId, entry.mailId);
    if (!mail || FINAL_MAIL_STATUSES.includes(mail.status)) {
      await this.outbox.dropPendingEntry(entry);
      return 'settled';
    }
    return this.settle(mail);
  }

  /** Moves one stored email on as far as it can go now; its body is read when it is sent, unless given. */
  private async settle(mail: OutboxMail, body?: MailBody): Promise<MailDelivery['status']> {
    switch (mail.status) {
      case 'SENT':
        return 'already-sent';
      case 'FAILED':
        return 'failed';
      case 'UNCONFIRMED':
        return 'unconfirmed';
      case 'BOUNCED':
      case 'COMPLAINED':
        return 'failed';
      case 'SENDING': {
        const now = this.wallNow();
        if ((mail.claimUntil ?? 0) >= now) return 'pending';
        // The sender that held it stopped between sending and recording: SES may or may not have it.
        const reason = 'the sender stopped after sending began and before the result was recorded';
        if (this.mayResend(mail)) {
          const taken = await this.outbox.takeOverLapsed(mail, now, this.retry.claimLeaseMs, reason);
          return taken ? this.sendClaimed(taken, body) : this.statusOf(mail);
        }
        const settled = await this.settleFailure(mail, 'UNCONFIRMED', this.unconfirmedReason(mail, reason), now);
        return settled ? 'unconfirmed' : this.statusOf(mail);
      }
      case 'PENDING':
        if (mail.nextAttemptAt > this.wallNow()) return 'pending';
        return this.attempt(mail, body);
    }
  }

  private async statusOf(mail: OutboxMail): Promise<MailDelivery['status']> {
    const current = await this.outbox.get(mail.caseId, mail.id);
    if (!current) return 'pending';
    if (current.status === 'SENT') return 'already-sent';
    if (current.status === 'FAILED' || current.status === 'BOUNCED' || current.status === 'COMPLAINED') return 'failed';
    if (current.status === 'UNCONFIRMED') return 'unconfirmed';
    return 'pending';
  }

  private async attempt(pending: OutboxMail, body?: MailBody): Promise<MailDelivery['status']> {
    const mail = await this.outbox.claim(pending, this.wallNow(), this.retry.claimLeaseMs);
    return mail ? this.sendClaimed(mail, body) : this.statusOf(pending);
  }

  /** Sends an email this sender holds: a few quick attempts, then back to the pending list or settled. */
  private async sendClaimed(claimed: OutboxMail, knownBody?: MailBody): Promise<MailDelivery['status']> {
    let mail = claimed;
    const { text, html } = knownBody ?? (await this.outbox.body(claimed));
    let attachments: MailAttachment[];
    try {
      attachments = await readAttachments(this.deps.objects, mail.attachments ?? []);
    } catch (error) {
      if (error instanceof AttachmentMismatchError) {
        this.logger.error('attachment changed; email not sent', { mailId: mail.id, error: describeError(error) });
        await this.settleFailure(mail, 'FAILED', describeError(error));
        return 'failed';
      }
      // Nothing was sent: the email waits for its next round like one the mail service did not take.
      return this.endRound(mail, error);
    }
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.retry.attemptsPerRound; attempt += 1) {
      let messageId: string;
      try {
        messageId = await this.transport({ ...mail, text, html }, attachments);
      } catch (error) {
        const verdict = classifySendError(error);
        if (verdict === 'permanent') {
          this.logger.error('email refused', { mailId: mail.id, error: describeError(error) });
          await this.settleFailure(mail, 'FAILED', describeError(error));
          return 'failed';
        }
        if (verdict === 'ambiguous') {
          if (!this.mayResend(mail)) {
            this.logger.error('email outcome unknown; not resending', { mailId: mail.id, error: describeError(error) });
            await this.settleFailure(mail, 'UNCONFIRMED', this.unconfirmedReason(mail, describeError(error)));
            return 'unconfirmed';
          }
          this.logger.warn('email outcome unknown; sending it again as a possible repeat', {
            mailId: mail.id,
            error: describeError(error),
          });
          const marked = await this.outbox.recordUnconfirmedSend(mail, describeError(error));
          if (!marked) return this.statusOf(mail);
          mail = marked;
        }
        lastError = error;
        if (attempt < this.retry.attemptsPerRound)
          await this.sleep(this.retry.quickDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
        continue;
      }
      await this.recordSent(mail, messageId);
      return 'sent';
    }
    return this.endRound(mail, lastError);
  }

  /** A round that did not send the email: back to the pending list with backoff, or given up after the last round. */
  private async endRound(mail: OutboxMail, lastError: unknown): Promise<MailDelivery['status']> {
    const reason = describeError(lastError);
    if (mail.attempts >= this.retry.maxRounds) {
      this.logger.error('mail service unavailable for too long; giving up', {
        mailId: mail.id,
        rounds: mail.attempts,
        error: reason,
      });
      await this.settleFailure(mail, 'FAILED', `gave up after ${mail.attempts} rounds: ${reason}`);
      return 'failed';
    }
    const delay = Math.min(this.retry.maxRoundDelayMs, this.retry.roundDelayMs * 2 ** (mail.attempts - 1));
    this.logger.warn('mail service unavailable; email stays pending', {
      mailId: mail.id,
      retryInMs: delay,
      error: reason,
    });
    await this.outbox.release(mail, reason, this.wallNow() + delay);
    return 'pending';
  }

  /**
   * Whether one more send of this email may go out although an earlier one may have reached SES: an
   * office email, within the bound (the send about to be judged counts as one more unknown outcome).
   */
  private mayResend(mail: OutboxMail): boolean {
    return deliveredAtLeastOnce(mail.kind) && (mail.unconfirmedSends ?? 0) + 1 < this.retry.maxUnconfirmedSends;
  }

  private unconfirmedReason(mail: OutboxMail, reason: string): string {
    const sends = (mail.unconfirmedSends ?? 0) + 1;
    return deliveredAtLeastOnce(mail.kind) ? `outcome unknown after ${sends} send(s): ${reason}` : reason;
  }

  /**
   * SES took the email: record it, retrying the table briefly. Unrecorded, its claim lapses and the sweep
   * sends an office email again as a possible repeat, or settles the party's notice UNCONFIRMED.
   */
  private async recordSent(mail: OutboxMail, messageId: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const recorded = await this.outbox.markSent(mail, messageId, this.clock.now().toISOString());
        if (!recorded) this.logger.warn('email sent after its claim lapsed', { mailId: mail.id, messageId });
        return;
      } catch (error) {
        if (attempt >= 5) {
          this.logger.error('email sent but not recorded', { mailId: mail.id, messageId, error: describeError(error) });
          throw error;
        }
        await this.sleep(100 * 2 ** attempt);
      }
    }
  }

  /**
   * Settles a claimed email as FAILED or UNCONFIRMED, has the failure recorded on its case and lists the
   * alert emails: all in one transaction (through the failure log), so none of it happens twice or half.
   * Answers false when another sender settled it first.
   */
  private async settleFailure(
    mail: OutboxMail,
    status: SettledStatus,
    reason: string,
    lapsedBefore?: number,
  ): Promise<boolean> {
    const settledAt = this.clock.now().toISOString();
    const failure = { mail, outcome: status === 'FAILED' ? 'refused' : 'unconfirmed', reason } as const;
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      let alerts: NewOutboxMail[] = [];
      const recording = await this.deps.failures.record(failure, (caseAfter) => {
        alerts = mail.kind === 'workflow-failure' ? [] : this.prepareAlert(mail, caseAfter, reason);
        return [
          ...this.outbox.settleItems(mail, status, reason, settledAt, lapsedBefore),
          ...alerts.flatMap((alert) => this.outbox.recordItems(alert, this.wallNow())),
        ];
      });
      if (recording === 'no-case') return this.outbox.settle(mail, status, reason, settledAt, lapsedBefore);
      if (recording === 'conflict') {
        const current = await this.outbox.get(mail.caseId, mail.id);
        if (current?.status !== 'SENDING' || current.claimToken !== mail.claimToken) return false;
        continue;
      }
      for (const alert of alerts) {
        const stored = await this.outbox.get(alert.caseId, alert.id);
        if (stored) await this.settle(stored, alert);
      }
      return true;
    }
    throw new Error(`could not record the failure of email ${mail.id}: the case kept changing`);
  }

  private prepareAlert(mail: OutboxMail, record: CaseRecord, reason: string): NewOutboxMail[] {
    return this.prepare({
      kind: 'workflow-failure',
      occasion: alertOccasion(mail),
      caseRecord: record,
      facts: { step: 'email', cause: reason, failedMailId: mail.id, failedKind: mail.kind, failedRecipient: mail.to },
    }).map((p) => p.mail);
  }
}
