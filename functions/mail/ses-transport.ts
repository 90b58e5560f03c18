import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SendableMail } from '#store/outbox';
import { markPossibleRepeat } from './templates';

/**
 * The header that carries an email's outbox id, the same on every send of one email, so a mailbox (or a
 * person) can tell emails apart and a repeat from a new email. (SES replaces any Message-ID it is given
 * with its own, so that header cannot serve.)
 */
export const MAIL_ID_HEADER = 'X-Rectify-Mail-Id';
/** Present (`yes`) on a send after one whose outcome is unknown: the recipient may already have the email. */
const POSSIBLE_REPEAT_HEADER = 'X-Rectify-Possible-Repeat';

/** Hands one email to the mail service; answers the service's message id. Throws what the service threw. */
export type MailTransport = (mail: SendableMail) => Promise<string>;

/** SES v2: each email tagged with its kind and case, its outbox id in a header, through the configuration set. */
export function sesTransport(ses: SESv2Client, configurationSetName?: string): MailTransport {
  return async (mail) => {
    const content = mail.possibleRepeat ? markPossibleRepeat(mail, mail.id) : mail;
    const headers = [
      { Name: MAIL_ID_HEADER, Value: mail.id },
      ...(mail.possibleRepeat ? [{ Name: POSSIBLE_REPEAT_HEADER, Value: 'yes' }] : []),
    ];
    const result = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: mail.from,
        Destination: { ToAddresses: [mail.to] },
        ...(mail.replyTo ? { ReplyToAddresses: mail.replyTo } : {}),
        Content: {
          Simple: {
            Subject: { Data: content.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: content.text, Charset: 'UTF-8' }, Html: { Data: content.html, Charset: 'UTF-8' } },
            Headers: headers,
          },
        },
        EmailTags: [
          { Name: 'kind', Value: mail.kind },
          { Name: 'case', Value: mail.caseId },
        ],
        ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
      }),
    );
    return result.MessageId ?? 'unknown';
  };
}
