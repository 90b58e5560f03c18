import * as z from 'zod';
import { caseRecordSchema } from '#domain/schemas';
import type { MailRequest } from './mailer';
import { MAIL_KINDS } from '#domain/mail-vocabulary';
import { mailId } from './mailer';
import type { NewOutboxMail } from '#store/outbox';
import { mailAttachmentSchema } from '#store/outbox';
import type { MailRecipients } from './recipients';
import { fromHeader, recipientsFor } from './recipients';
import type { RenderedMail } from './templates';
import { renderMail } from './templates';

/** Occasions become part of keys and headers: plain ASCII, no `#`. */
const occasionSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,159}$/,
    'must be 1–160 characters of letters, digits and . _ : - (starting with a letter or digit)',
  );

const mailRequestSchema = z.object({
  kind: z.enum(MAIL_KINDS),
  occasion: occasionSchema,
  caseRecord: caseRecordSchema,
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.undefined()])).optional(),
  attachments: z.array(mailAttachmentSchema).optional(),
});

export class MailRequestError extends Error {
  override readonly name = 'MailRequestError';
}

export interface ComposedMail {
  mail: NewOutboxMail;
  rendered: RenderedMail;
}

/**
 * The emails a request produces — one per recipient, rendered and addressed, each with its deterministic
 * id — without recording or sending anything. A bad request or bad facts throw `MailRequestError`.
 */
export function composeMail(
  request: MailRequest,
  settings: { recipients: MailRecipients; consoleUrl?: string; createdAt: string },
): ComposedMail[] {
  const parsed = mailRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new MailRequestError(
      `invalid mail request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`,
    );
  }
  const { kind, occasion, caseRecord, facts, attachments } = parsed.data;
  const { recipients } = settings;
  const addresses = recipientsFor(recipients, kind, caseRecord);
  if (addresses.length === 0) return [];
  let rendered: RenderedMail;
  try {
    rendered = renderMail({ kind, caseRecord, facts }, settings.consoleUrl ? { consoleUrl: settings.consoleUrl } : {});
  } catch (error) {
    if (error instanceof z.ZodError) {
      throw new MailRequestError(
        `invalid mail facts: ${error.issues.map((i) => `facts.${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    throw error;
  }
  return addresses.map((to, recipientIndex) => ({
    rendered,
    mail: {
      id: mailId(caseRecord.id, occasion, kind, recipientIndex),
      caseId: caseRecord.id,
      occasion,
      kind,
      recipientIndex,
      to,
      from: fromHeader(recipients),
      ...(recipients.replyTo ? { replyTo: recipients.replyTo } : {}),
      ...rendered,
      ...(attachments?.length ? { attachments } : {}),
      createdAt: settings.createdAt,
    },
  }));
}
