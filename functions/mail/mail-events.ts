import * as z from 'zod';
import type { AppLogger } from '#app/context';
import { applyEvent } from '#domain/case-history';
import type { Clock } from '#domain/clock';
import { decide } from '#domain/lifecycle';
import { caseId as caseIdSchema } from '#domain/schemas';
import type { CaseStore } from '#store/case-store';
import { VersionConflictError } from '#store/errors';
import type { Outbox, OutboxMail } from '#store/outbox';

/**
 * What SES publishes to the mail-event topic through the configuration set (event publishing): only the
 * fields Rectify reads. The send tags each email with its case (`EmailTags` `case`) and its outbox id
 * (the `X-Rectify-Mail-Id` header), so an event finds its case without a lookup.
 */
const tags = z.record(z.string(), z.array(z.string())).default({});
const mailSchema = z.object({
  messageId: z.string(),
  destination: z.array(z.string()).default([]),
  tags,
  headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
});
const recipientSchema = z.object({
  emailAddress: z.string(),
  diagnosticCode: z.string().optional(),
  status: z.string().optional(),
});
export const sesEventSchema = z.discriminatedUnion('eventType', [
  z.object({
    eventType: z.literal('Bounce'),
    mail: mailSchema,
    bounce: z.object({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      feedbackId: z.string(),
      bouncedRecipients: z.array(recipientSchema).default([]),
    }),
  }),
  z.object({
    eventType: z.literal('Complaint'),
    mail: mailSchema,
    complaint: z.object({
      feedbackId: z.string(),
      complaintFeedbackType: z.string().optional(),
      complainedRecipients: z.array(recipientSchema).default([]),
    }),
  }),
  z.object({
    eventType: z.literal('DeliveryDelay'),
    mail: mailSchema,
    deliveryDelay: z.object({
      delayType: z.string(),
      expirationTime: z.string().optional(),
      delayedRecipients: z.array(recipientSchema).default([]),
    }),
  }),
  // Reject and Rendering Failure are answered at send time by the outbox; they are only logged here.
  z.object({ eventType: z.enum(['Reject', 'Rendering Failure']), mail: mailSchema }),
]);
export type SesEvent = z.infer<typeof sesEventSchema>;

export type MailEventOutcome = 'recorded' | 'already-recorded' | 'delay-noted' | 'logged' | 'no-case';

export interface MailEventDeps {
  store: CaseStore;
  clock: Clock;
  logger: AppLogger;
  /** The outbox the emails were recorded in (beside their cases, in the same table). */
  outbox: Outbox;
}

/** The header the sender puts the outbox id in (ses-mailer's MAIL_ID_HEADER; not imported, to keep SES out of this bundle). */
export const MAIL_ID_HEADER_NAME = 'X-Rectify-Mail-Id';

const MAIL_EVENTS_ACTOR = { sub: 'mail-events', role: 'system' as const };
const COMMIT_ATTEMPTS = 5;

function mailIdOf(event: SesEvent): string | undefined {
  return event.mail.headers.find((header) => header.name.toLowerCase() === MAIL_ID_HEADER_NAME.toLowerCase())?.value;
}

/** The outbox entry the event is about: by the mail id header the sender wrote, else by SES's message id. */
async function sentMailOf(
  outbox: Outbox,
  caseId: string,
  mailId: string | undefined,
  messageId: string,
): Promise<OutboxMail | undefined> {
  // The header is only trusted for an email of this very case (the key is built from it).
  if (mailId?.startsWith(`${caseId}#`)) {
    const byId = await outbox.get(caseId, mailId);
    if (byId) return byId;
  }
  return outbox.findByMessageId(caseId, messageId);
}

/**
 * A bounce or complaint: the email did not reach its recipient (and SES now suppresses the address), so
 * later escalations to that office would vanish. It is recorded on the case as EMAIL_FAILED (outcome
 * `bounced` or `complained`, with the recipients and SES's diagnostic), the case is flagged for
 * attention, and the email's outbox entry says BOUNCED or COMPLAINED instead of SENT (one transaction).
 * A delivery delay is noted on the outbox entry and logged: SES keeps trying, and a bounce follows if it
 * gives up. A repeated notification (SNS delivers at least once) finds its feedback id recorded and adds
 * nothing.
 */
export async function recordMailEvent(deps: MailEventDeps, event: SesEvent): Promise<MailEventOutcome> {
  const mailId = mailIdOf(event);
  const caseTag = event.mail.tags.case?.[0];
  const parsedCase = caseIdSchema.safeParse(caseTag);
  const context = { eventType: event.eventType, messageId: event.mail.messageId, mailId, caseId: caseTag };
  const { outbox } = deps;
  if (event.eventType === 'DeliveryDelay') {
    deps.logger.warn('email delivery delayed', {
      ...context,
      delayType: event.deliveryDelay.delayType,
      recipients: event.mail.destination,
    });
    if (!parsedCase.success) return 'logged';
    const sent = await sentMailOf(outbox, parsedCase.data, mailId, event.mail.messageId);
    if (!sent) return 'logged';
    const noted = await outbox.noteDelay(sent, event.deliveryDelay.delayType, deps.clock.now().toISOString());
    return noted ? 'delay-noted' : 'logged';
  }
  if (event.eventType !== 'Bounce' && event.eventType !== 'Complaint') {
    deps.logger.warn('email delivery event', { ...context, recipients: event.mail.destination });
    return 'logged';
  }
  if (!parsedCase.success) {
    deps.logger.error('email event for no case', context);
    return 'no-case';
  }
  const caseId = parsedCase.data;
  const detail =
    event.eventType === 'Bounce'
      ? {
          outcome: 'bounced' as const,
          feedbackId: event.bounce.feedbackId,
          bounceType: `${event.bounce.bounceType}${event.bounce.bounceSubType ? `/${event.bounce.bounceSubType}` : ''}`,
          recipients: event.bounce.bouncedRecipients.map((r) => r.emailAddress),
          error: event.bounce.bouncedRecipients
            .map((r) => r.diagnosticCode ?? r.status ?? '')
            .filter(Boolean)
            .join('; ')
            .slice(0, 500),
        }
      : {
          outcome: 'complained' as const,
          feedbackId: event.complaint.feedbackId,
          bounceType: event.complaint.complaintFeedbackType ?? 'complaint',
          recipients: event.complaint.complainedRecipients.map((r) => r.emailAddress),
          error: '',
        };
  for (let attempt = 1; ; attempt += 1) {
    const record = await deps.store.getCase(caseId);
    if (!record) {
      deps.logger.error('email event for a case that does not exist', context);
      return 'no-case';
    }
    for await (const stored of deps.store.allEvents(caseId)) {
      if (stored.type === 'EMAIL_FAILED' && stored.data.feedbackId === detail.feedbackId) return 'already-recorded';
    }
    const decision = decide(record.status, 'record-email-failure', MAIL_EVENTS_ACTOR.role);
    if (!decision.allowed) throw new Error(`cannot record an email ${detail.outcome}: ${decision.reason}`);
    const sent = await sentMailOf(outbox, caseId, mailId, event.mail.messageId);
    const kind = sent?.kind ?? event.mail.tags.kind?.[0];
    const at = deps.clock.now();
    const reason = `email ${kind ?? ''} to ${detail.recipients.join(', ')} ${detail.outcome}`.replace(/\s+/g, ' ');
    const { next, event: sealed } = applyEvent(
      record,
      {
        type: decision.event,
        actor: MAIL_EVENTS_ACTOR,
        at,
        data: {
          mailId: sent?.id ?? mailId,
          kind,
          messageId: event.mail.messageId,
          to: detail.recipients.join(', '),
          ...detail,
        },
      },
      decision.to,
      { attention: { reason, at: at.toISOString() } },
    );
    const reported = detail.outcome === 'bounced' ? 'BOUNCED' : 'COMPLAINED';
    const extraItems = sent
      ? outbox.reportItems(sent, reported, detail.error || detail.bounceType, at.toISOString())
      : [];
    if (!sent) deps.logger.warn('email event for an email the outbox does not hold', context);
    try {
      await deps.store.commit(record, next, sealed, { extraItems });
    } catch (error) {
      if (error instanceof VersionConflictError && attempt < COMMIT_ATTEMPTS) continue;
      throw error;
    }
    await deps.store.flagForAttention(caseId, reason, at.toISOString());
    deps.logger.warn('email bounced or complained of: recorded on the case and flagged', {
      ...context,
      outcome: detail.outcome,
      recipients: detail.recipients,
    });
    return 'recorded';
  }
}
