import * as z from 'zod';

/** Reads what the local SES received, through its JSON store (`GET /store`). */

const storedEmailSchema = z.object({
  messageId: z.string(),
  from: z.string(),
  destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ text: z.string().optional(), html: z.string().optional() }),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  attachments: z
    .array(z.object({ filename: z.string().optional(), contentType: z.string(), content: z.string() }))
    .default([]),
  at: z.number(),
});

const storeSchema = z.object({ emails: z.array(storedEmailSchema) });

export interface MailboxEmail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The outbox id the mailer put in the `X-Rectify-Mail-Id` header. */
  mailId: string | undefined;
  /** Sent again after an attempt whose outcome was unknown (the `X-Rectify-Possible-Repeat` header). */
  possibleRepeat: boolean;
  /** The files attached, decoded. */
  attachments: { fileName: string; contentType: string; content: Buffer }[];
  /** Epoch seconds. */
  at: number;
}

/** Every email in the local SES mailbox, oldest first. `endpoint` is the local SES base URL. */
export async function readMailbox(endpoint: string): Promise<MailboxEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`local SES store answered ${response.status}`);
  const store = storeSchema.parse(await response.json());
  return store.emails.map((e) => ({
    messageId: e.messageId,
    from: e.from,
    to: e.destination.to,
    subject: e.subject,
    text: e.body.text ?? '',
    html: e.body.html ?? '',
    mailId: e.headers?.find((h) => h.name.toLowerCase() === 'x-rectify-mail-id')?.value,
    possibleRepeat: e.headers?.some((h) => h.name.toLowerCase() === 'x-rectify-possible-repeat') ?? false,
    attachments: e.attachments.map((a) => ({
      fileName: a.filename ?? '',
      contentType: a.contentType,
      content: Buffer.from(a.content, 'base64'),
    })),
    at: e.at,
  }));
}

/** The emails of one case (by the outbox id, which starts with the case id). */
export async function mailboxForCase(endpoint: string, caseId: string): Promise<MailboxEmail[]> {
  return (await readMailbox(endpoint)).filter((e) => e.mailId?.startsWith(`${caseId}#`));
}

/** How many times each outbox id arrived: every value must be 1. */
export function arrivalsById(emails: MailboxEmail[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of emails) counts[e.mailId ?? '(none)'] = (counts[e.mailId ?? '(none)'] ?? 0) + 1;
  return counts;
}

export async function clearMailbox(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  if (!response.ok) throw new Error(`local SES clear-store answered ${response.status}`);
}
