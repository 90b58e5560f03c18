/**
 * Who receives which email: the sub-district office (街道办) of the case's area, from configuration, with
 * a fallback for areas not configured; the responsible party for the notice when their email is known.
 */
import * as z from 'zod';
import type { CaseRecord } from '#domain/schemas';
import { parseJsonEnv } from '#shared/env';
import type { MailKind } from '#domain/mail-vocabulary';
import { ownValue } from '#shared/own';

const address = z.email('must be an email address').max(254);
const addressList = z.array(address).min(1, 'must list at least one address');

/** `MAIL_RECIPIENTS_JSON`. */
const mailRecipientsSchema = z.strictObject({
  /** The verified SES sender address. */
  from: address,
  /** Display name of the sender, e.g. 违法建设治理办公室. */
  fromName: z.string().trim().min(1).max(64).optional(),
  replyTo: z.array(address).optional(),
  /** Sub-district (街道, as written on cases) → its office's addresses. */
  subdistricts: z.record(z.string().trim().min(1), addressList),
  /** Receives what belongs to a sub-district that is not configured. */
  fallback: addressList,
  /** Also receive every workflow-failure alert (operations). */
  alerts: addressList.optional(),
});
export type MailRecipients = z.infer<typeof mailRecipientsSchema>;

/**
 * The recipients configuration from `MAIL_RECIPIENTS_JSON` (the sender may instead come from `MAIL_FROM`);
 * missing or invalid stops the start.
 */
export function mailRecipientsFromEnv(env: NodeJS.ProcessEnv = process.env): MailRecipients {
  const raw = env.MAIL_RECIPIENTS_JSON;
  if (raw === undefined || raw.trim() === '') {
    throw new Error(
      'invalid environment: MAIL_RECIPIENTS_JSON is required: {"from": "...", "subdistricts": {"<街道>": ["..."]}, "fallback": ["..."]} (see docs/mail.md)',
    );
  }
  const withSender = mailRecipientsSchema.extend({ from: address.optional() });
  const parsed = parseJsonEnv('MAIL_RECIPIENTS_JSON', raw, withSender);
  const from = parsed.from ?? env.MAIL_FROM?.trim();
  if (!from)
    throw new Error('invalid environment: the sender is missing: set MAIL_FROM or "from" in MAIL_RECIPIENTS_JSON');
  if (!address.safeParse(from).success) throw new Error('invalid environment: MAIL_FROM: must be an email address');
  return { ...parsed, from };
}

/** Validates a configuration given as a value (the local stack, tests); throws naming the bad field. */
export function parseMailRecipients(value: unknown): MailRecipients {
  const result = mailRecipientsSchema.safeParse(value);
  if (!result.success) {
    throw new Error(
      `invalid mail recipients configuration: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

function unique(addresses: string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = a.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The sub-district office's addresses for a case, or the fallback when its area is not configured. */
export function officeAddresses(config: MailRecipients, record: Pick<CaseRecord, 'location'>): string[] {
  return ownValue(config.subdistricts, record.location.subdistrict.trim()) ?? config.fallback;
}

/**
 * The addresses an email of `kind` goes to, in a stable order (the order is part of each email's id).
 * Empty for the party's notice when no party email is known: that email is simply not sent.
 */
export function recipientsFor(
  config: MailRecipients,
  kind: MailKind,
  record: Pick<CaseRecord, 'location' | 'responsibleParty'>,
): string[] {
  if (kind === 'notice-to-party') return record.responsibleParty.email ? [record.responsibleParty.email] : [];
  if (kind === 'workflow-failure') return unique([...officeAddresses(config, record), ...(config.alerts ?? [])]);
  return unique(officeAddresses(config, record));
}

/** `"违法建设治理办公室" <rectify@example.gov.cn>` with the name MIME-encoded, as SES requires for non-ASCII. */
export function fromHeader(config: MailRecipients): string {
  if (!config.fromName) return config.from;
  const encoded = Buffer.from(config.fromName, 'utf8').toString('base64');
  return `=?UTF-8?B?${encoded}?= <${config.from}>`;
}
