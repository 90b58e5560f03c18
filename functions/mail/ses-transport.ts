import type { SESClient } from '@aws-sdk/client-ses';
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { SendableMail } from '#store/outbox';
import type { RenderedMail } from './templates';
import { markPossibleRepeat } from './templates';

/**
 * The header that carries an email's outbox id, the same on every send of one email, so a mailbox (or a
 * person) can tell emails apart and a repeat from a new email. (SES replaces any Message-ID it is given
 * with its own, so that header cannot serve.)
 */
export const MAIL_ID_HEADER = 'X-Rectify-Mail-Id';
/** Present (`yes`) on a send after one whose outcome is unknown: the recipient may already have the email. */
const POSSIBLE_REPEAT_HEADER = 'X-Rectify-Possible-Repeat';

/**
 * Hands one email, with the files it carries, to the mail service; answers the service's message id.
 * Throws what the service threw.
 */
export type MailTransport = (mail: SendableMail, attachments: readonly MailAttachment[]) => Promise<string>;

/** A file sent with an email (a document's PDF). */
export interface MailAttachment {
  fileName: string;
  contentType: string;
  content: Uint8Array;
}

/**
 * The sender as MailComposer takes it: the outbox keeps the `From` header as written for SES
 * (`=?UTF-8?B?…?= <address>`, recipients.ts), which MailComposer would quote — and a quoted encoded
 * word is shown undecoded — so the name is decoded and given apart, for MailComposer to encode.
 */
function senderOf(from: string): { name: string; address: string } | string {
  const match = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?= <([^<>\s]+)>$/i.exec(from);
  if (!match) return from;
  return { name: Buffer.from(match[1] ?? '', 'base64').toString('utf8'), address: match[2] ?? '' };
}

/**
 * The email as MIME (RFC 5322), built by nodemailer's MailComposer: text and HTML as alternatives, the
 * attachments beside them, the outbox id in its header. MailComposer reads no file and fetches no URL
 * here: every part is given as bytes.
 */
export async function mimeMessage(
  mail: Pick<SendableMail, 'id' | 'from' | 'to' | 'replyTo' | 'possibleRepeat'>,
  content: RenderedMail,
  attachments: readonly MailAttachment[] = [],
): Promise<Buffer> {
  const composer = new MailComposer({
    from: senderOf(mail.from),
    to: mail.to,
    ...(mail.replyTo?.length ? { replyTo: mail.replyTo } : {}),
    subject: content.subject,
    text: content.text,
    html: content.html,
    headers: {
      [MAIL_ID_HEADER]: mail.id,
      ...(mail.possibleRepeat ? { [POSSIBLE_REPEAT_HEADER]: 'yes' } : {}),
    },
    attachments: attachments.map((a) => ({
      filename: a.fileName,
      contentType: a.contentType,
      content: Buffer.from(a.content),
    })),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}

function addressOf(from: string): string {
  const sender = senderOf(from);
  return typeof sender === 'string' ? sender : sender.address;
}

/**
 * SES `SendRawEmail` (v1): each email tagged with its kind and case, its outbox id in a header, its
 * documents attached, through the configuration set.
 */
export function sesTransport(ses: SESClient, configurationSetName?: string): MailTransport {
  return async (mail, attachments) => {
    const content = mail.possibleRepeat ? markPossibleRepeat(mail, mail.id) : mail;
    const raw = await mimeMessage(mail, content, attachments);
    const result = await ses.send(
      new SendRawEmailCommand({
        Source: addressOf(mail.from),
        Destinations: [mail.to],
        RawMessage: { Data: raw },
        Tags: [
          { Name: 'kind', Value: mail.kind },
          { Name: 'case', Value: mail.caseId },
        ],
        ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
      }),
    );
    return result.MessageId ?? 'unknown';
  };
}
