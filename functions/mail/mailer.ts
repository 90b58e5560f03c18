import type { MailKind } from '#domain/mail-vocabulary';
import type { CaseRecord } from '#domain/schemas';
import type { MailAttachmentRef } from '#store/outbox';

/**
 * Kinds sent at most once: a send whose outcome is unknown is never repeated. Only the party's notice:
 * two copies of a legal notice to a member of the public read as two notices, and the written notice
 * served on them is what counts. Every other kind goes to the office (and operations) and is delivered
 * at least once: a send whose outcome is unknown is repeated, marked as a possible repeat.
 */
const AT_MOST_ONCE_KINDS: readonly MailKind[] = ['notice-to-party'];

/** Whether an email of `kind` is sent again when an attempt's outcome is unknown (see docs/mail.md). */
export function deliveredAtLeastOnce(kind: MailKind): boolean {
  return !AT_MOST_ONCE_KINDS.includes(kind);
}

export interface MailRequest {
  kind: MailKind;
  /**
   * The occasion within the case this email belongs to (e.g. `intake-1`, `notice-RN-2026-000012`,
   * `inspection-overdue-2`). With the case id and kind it forms the email's deterministic id, so
   * re-running a phase never sends the same email twice.
   */
  occasion: string;
  /** The case as it stands after the step that sends the email. */
  caseRecord: CaseRecord;
  /** Facts not on the case item: an inspection result, the next step and its date, a failure cause. */
  facts?: Record<string, string | number | boolean | undefined>;
  /** The stored documents the email carries as attachments (read when it is sent). */
  attachments?: MailAttachmentRef[];
}

export interface MailDelivery {
  id: string;
  /**
   * `pending`: recorded, not delivered yet (the mail service was unavailable); the sweep delivers it.
   * `failed`: refused for good (e.g. an address SES rejects); the case records EMAIL_FAILED and an alert goes out.
   * `unconfirmed`: it is unknown whether SES took it (no answer, or the sender stopped before recording
   * it): the party's notice after one such send, an office email after `maxUnconfirmedSends` of them.
   * The case records EMAIL_FAILED and an alert goes out. An email SES later reported bounced or complained of
   * is `failed` too.
   */
  status: 'sent' | 'already-sent' | 'pending' | 'failed' | 'unconfirmed';
}

/** The mail port: record the email in the outbox, then deliver it (at least once to the office, at most once to the party). */
export interface Mailer {
  deliver(request: MailRequest): Promise<MailDelivery[]>;
}

/** What one pass over the pending emails did. */
export interface SweepReport {
  sent: number;
  /** Still pending: the mail service is unavailable, or the email's next attempt is not due yet. */
  pending: number;
  failed: number;
  unconfirmed: number;
}

/** Delivers every email recorded but not yet delivered (after an outage, after a restart). */
export interface PendingMailSweeper {
  deliverPending(options?: { budgetMs?: number }): Promise<SweepReport>;
}

/** `C-20261129-7K3M2Q#notice-RN-2026-000012#notice-copy` */
export function mailId(caseId: string, occasion: string, kind: MailKind, recipientIndex = 0): string {
  return `${caseId}#${occasion}#${kind}${recipientIndex ? `#${recipientIndex}` : ''}`;
}
