/**
 * The mail outbox in the one table. Each email is a small status item beside its case (`CASE#<id>` /
 * `MAIL#<mail id>`), written once with `attribute_not_exists` before anything is sent, so the second request
 * for the same email finds it instead of sending it again. Its rendered text and HTML (kilobytes) are an item
 * of their own (`MAILBODY#<mail id>`, compressed: see packBody), written in the same transaction and never again: every later state
 * change rewrites only the status item. While an email is unsettled it is also listed under
 * `OUTBOX#PENDING`; the entry leaves that list in the same transaction that settles the email.
 *
 * States: PENDING → SENDING (claimed by one sender for a lease) → SENT | back to PENDING (the mail service
 * did not take it) | FAILED (refused for good) | UNCONFIRMED (it is unknown whether SES took it and the
 * email may not be sent again; see docs/mail.md). An office email whose send ended without an answer is
 * sent again, flagged `possibleRepeat`, until `unconfirmedSends` reaches the mailer's bound.
 */
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { MailStatus } from '#domain/mail-vocabulary';
import { MAIL_KINDS, MAIL_STATUSES } from '#domain/mail-vocabulary';
import { decodeCursor, encodeCursor, fromCursor } from './cursor';
import { keys } from './table';
import type { LabelledWrite } from './transaction';
import { cancellationReasons, transactionOf } from './transaction';

export type SettledStatus = Extract<MailStatus, 'FAILED' | 'UNCONFIRMED'>;
/** What SES reports after it took an email: the address bounced it, or its reader complained. */
export type ReportedStatus = Extract<MailStatus, 'BOUNCED' | 'COMPLAINED'>;

/** Statuses no sender moves on from: the email is off the pending list. */
export const FINAL_MAIL_STATUSES: readonly MailStatus[] = ['SENT', 'FAILED', 'UNCONFIRMED', 'BOUNCED', 'COMPLAINED'];

/**
 * A file an email carries, by reference: the object's key and what its bytes must hash to. The sender
 * reads it from the object store when it sends, so the outbox never holds the bytes.
 */
export const mailAttachmentSchema = z.object({
  key: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
});
export type MailAttachmentRef = z.infer<typeof mailAttachmentSchema>;

const outboxMailSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  occasion: z.string(),
  kind: z.enum(MAIL_KINDS),
  recipientIndex: z.number().int().min(0),
  to: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()).optional(),
  subject: z.string(),
  status: z.enum(MAIL_STATUSES),
  /** When the email was recorded (UTC ISO); also orders the pending list. */
  createdAt: z.string(),
  /** Sending rounds so far (each claim is one round of a few quick attempts). */
  attempts: z.number().int().min(0),
  /** Epoch ms before which no sender may claim it (backoff after the mail service failed). */
  nextAttemptAt: z.number(),
  claimToken: z.string().optional(),
  /** Epoch ms when the current claim lapses. */
  claimUntil: z.number().optional(),
  messageId: z.string().optional(),
  sentAt: z.string().optional(),
  settledAt: z.string().optional(),
  lastError: z.string().optional(),
  /** An earlier send may have reached SES: later sends are marked as a possible repeat. */
  possibleRepeat: z.boolean().optional(),
  /** Sends whose outcome is unknown (no answer, or the sender stopped before recording the result). */
  unconfirmedSends: z.number().int().min(0).optional(),
  /** When SES reported the email bounced or complained of (status BOUNCED or COMPLAINED). */
  reportedAt: z.string().optional(),
  /** When SES last reported the delivery delayed (it keeps trying), and why (SES's delay type). */
  delayedAt: z.string().optional(),
  delayType: z.string().optional(),
  /** The documents attached (references to stored objects). */
  attachments: z.array(mailAttachmentSchema).optional(),
});
export type OutboxMail = z.infer<typeof outboxMailSchema>;

const mailBodySchema = z.object({ text: z.string(), html: z.string() });
/** The rendered email, stored once beside its status item. */
export type MailBody = z.infer<typeof mailBodySchema>;

/** A body item as recorded: the Brotli-compressed JSON of the text and HTML. */
const packedBodySchema = z.object({ compressedBody: z.instanceof(Uint8Array) });

/**
 * A body as its item keeps it. Bodies are kept as long as their case (priced for ten years, with their
 * point-in-time backups) and read only to send an email again, so they are stored Brotli-compressed, the
 * text and the HTML together (they say the same): about a sixth of their size. An item stored before holds
 * `text` and `html` as they are, and is still read.
 */
function packBody(body: MailBody): Uint8Array {
  const json = Buffer.from(JSON.stringify({ text: body.text, html: body.html }), 'utf8');
  return brotliCompressSync(json, {
    params: {
      [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
      [zlib.BROTLI_PARAM_SIZE_HINT]: json.byteLength,
    },
  });
}

function unpackBody(item: Record<string, unknown>): MailBody {
  const packed = packedBodySchema.safeParse(item);
  if (!packed.success) return mailBodySchema.parse(item);
  return mailBodySchema.parse(JSON.parse(brotliDecompressSync(packed.data.compressedBody).toString('utf8')));
}
/** An email as its sender hands it to the mail service: its status and its body. */
export type SendableMail = OutboxMail & MailBody;

/** An email as composed, before the outbox records it. */
export type NewOutboxMail = MailBody &
  Omit<
    OutboxMail,
    | 'status'
    | 'attempts'
    | 'nextAttemptAt'
    | 'claimToken'
    | 'claimUntil'
    | 'messageId'
    | 'sentAt'
    | 'settledAt'
    | 'lastError'
    | 'possibleRepeat'
    | 'unconfirmedSends'
    | 'reportedAt'
    | 'delayedAt'
    | 'delayType'
  >;

const pendingEntrySchema = z.object({ SK: z.string(), caseId: z.string(), mailId: z.string(), createdAt: z.string() });
export type PendingEntry = z.infer<typeof pendingEntrySchema>;

const PENDING_KEY_ATTRIBUTES = ['PK', 'SK'] as const;

function isConditionFailure(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return error instanceof ConditionalCheckFailedException || name === 'ConditionalCheckFailedException';
}

function withoutKeys(item: Record<string, unknown>): OutboxMail {
  const { PK: _pk, SK: _sk, entity: _entity, ...rest } = item;
  return outboxMailSchema.parse(rest);
}

/** The labels of an email's writes within a transaction (one transaction may record several emails). */
const statusLabel = (mail: Pick<OutboxMail, 'id'>) => `mail ${mail.id}`;
const pendingLabel = (mail: Pick<OutboxMail, 'id'>) => `pending mail ${mail.id}`;

/** Keeps stored error text short: it ends up in events and alerts. */
function shortError(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

export class Outbox {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /**
   * The writes that record a new email (its status item and its body) and list it as pending; they fail
   * if the email exists.
   */
  recordItems(mail: NewOutboxMail, now: number): LabelledWrite[] {
    const { text, html, ...status } = mail;
    const item: OutboxMail = { ...status, status: 'PENDING', attempts: 0, nextAttemptAt: now };
    return [
      {
        label: statusLabel(mail),
        write: {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.mail(mail.caseId, mail.id), entity: 'mail', ...item },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      },
      {
        label: `mail body ${mail.id}`,
        write: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.mailBody(mail.caseId, mail.id),
              entity: 'mail-body',
              compressedBody: packBody({ text, html }),
            },
          },
        },
      },
      {
        label: pendingLabel(mail),
        write: {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.pendingMail(mail.createdAt, mail.id),
              entity: 'pending-mail',
              caseId: mail.caseId,
              mailId: mail.id,
              createdAt: mail.createdAt,
            },
          },
        },
      },
    ];
  }

  /** Records an email unless it exists; either way answers with the stored email. */
  async record(mail: NewOutboxMail, now: number): Promise<{ mail: OutboxMail; created: boolean }> {
    const writes = this.recordItems(mail, now);
    try {
      await this.doc.send(transactionOf(writes));
      const { text: _text, html: _html, ...status } = mail;
      return { mail: { ...status, status: 'PENDING', attempts: 0, nextAttemptAt: now }, created: true };
    } catch (error) {
      if (cancellationReasons(error, writes)?.get(statusLabel(mail)) !== 'ConditionalCheckFailed') throw error;
    }
    const existing = await this.get(mail.caseId, mail.id);
    if (!existing) throw new Error(`email ${mail.id} was reported as existing but cannot be read`);
    return { mail: existing, created: false };
  }

  async get(caseId: string, mailId: string): Promise<OutboxMail | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.mail(caseId, mailId), ConsistentRead: true }),
    );
    return result.Item ? withoutKeys(result.Item) : undefined;
  }

  /** The rendered text and HTML of an email, as recorded. */
  async body(mail: Pick<OutboxMail, 'caseId' | 'id'>): Promise<MailBody> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.mailBody(mail.caseId, mail.id), ConsistentRead: true }),
    );
    if (result.Item) return unpackBody(result.Item);
    // An email recorded before bodies had an item of their own carries its body in its status item.
    const inline = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.mail(mail.caseId, mail.id), ConsistentRead: true }),
    );
    const parsed = mailBodySchema.safeParse(inline.Item);
    if (!parsed.success) throw new Error(`email ${mail.id} has no recorded body`);
    return parsed.data;
  }

  /** Every email of a case, in id order. */
  async listForCase(caseId: string): Promise<OutboxMail[]> {
    const mails: OutboxMail[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':prefix': keys.mailPrefix },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      mails.push(...(page.Items ?? []).map(withoutKeys));
      start = page.LastEvaluatedKey;
    } while (start);
    return mails;
  }

  /** One page of the pending list, oldest first. */
  async pendingPage(
    options: { cursor?: string; limit?: number } = {},
  ): Promise<{ items: PendingEntry[]; cursor?: string }> {
    const result = await fromCursor(options.cursor, () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.pendingMailPartition },
          Limit: options.limit ?? 50,
          ExclusiveStartKey: decodeCursor(options.cursor, {
            attributes: PENDING_KEY_ATTRIBUTES,
            partition: { PK: keys.pendingMailPartition },
          }),
          ConsistentRead: true,
        }),
      ),
    );
    return {
      items: (result.Items ?? []).map((i) => pendingEntrySchema.parse(i)),
      cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  /** Removes a pending-list entry whose email is already settled (left over by nothing but a bug). */
  async dropPendingEntry(entry: PendingEntry): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.pendingMail(entry.createdAt, entry.mailId) }),
    );
  }

  /**
   * Takes the email for sending if it is pending and due: only one sender can hold it, for `leaseMs`.
   * Answers undefined when someone else holds it or it is settled or not due.
   */
  async claim(mail: Pick<OutboxMail, 'caseId' | 'id'>, now: number, leaseMs: number): Promise<OutboxMail | undefined> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mail(mail.caseId, mail.id),
          UpdateExpression:
            'SET #status = :sending, claimToken = :token, claimUntil = :until, attempts = attempts + :one',
          ConditionExpression: '#status = :pending AND nextAttemptAt <= :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sending': 'SENDING',
            ':pending': 'PENDING',
            ':token': randomUUID(),
            ':until': now + leaseMs,
            ':one': 1,
            ':now': now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? withoutKeys(result.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Records that SES took the email; false when the claim was no longer ours. */
  async markSent(mail: OutboxMail, messageId: string, at: string): Promise<boolean> {
    const writes: LabelledWrite[] = [
      {
        label: statusLabel(mail),
        write: {
          Update: {
            TableName: this.tableName,
            Key: keys.mail(mail.caseId, mail.id),
            UpdateExpression:
              'SET #status = :sent, messageId = :messageId, sentAt = :at, settledAt = :at REMOVE claimUntil, lastError',
            ConditionExpression: '#status = :sending AND claimToken = :token',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sent': 'SENT',
              ':sending': 'SENDING',
              ':token': mail.claimToken,
              ':messageId': messageId,
              ':at': at,
            },
          },
        },
      },
      this.pendingEntryRemoval(mail),
    ];
    try {
      await this.doc.send(transactionOf(writes));
      return true;
    } catch (error) {
      if (cancellationReasons(error, writes)?.get(statusLabel(mail)) === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /**
   * Records that a send by this claim ended without an answer, so the next send is a possible repeat.
   * Answers the email as stored now, or undefined when the claim was no longer ours.
   */
  async recordUnconfirmedSend(mail: OutboxMail, error: string): Promise<OutboxMail | undefined> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mail(mail.caseId, mail.id),
          UpdateExpression:
            'SET possibleRepeat = :true, unconfirmedSends = if_not_exists(unconfirmedSends, :zero) + :one, lastError = :error',
          ConditionExpression: '#status = :sending AND claimToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':true': true,
            ':zero': 0,
            ':one': 1,
            ':sending': 'SENDING',
            ':token': mail.claimToken,
            ':error': shortError(error),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? withoutKeys(result.Attributes) : undefined;
    } catch (caught) {
      if (isConditionFailure(caught)) return undefined;
      throw caught;
    }
  }

  /**
   * Takes over an email whose sender stopped mid-send (its claim lapsed before `now`) to send it again:
   * the stopped send counts as one whose outcome is unknown. Answers undefined when someone else moved it.
   */
  async takeOverLapsed(mail: OutboxMail, now: number, leaseMs: number, error: string): Promise<OutboxMail | undefined> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mail(mail.caseId, mail.id),
          UpdateExpression:
            'SET claimToken = :token, claimUntil = :until, attempts = attempts + :one, possibleRepeat = :true, unconfirmedSends = if_not_exists(unconfirmedSends, :zero) + :one, lastError = :error',
          ConditionExpression: '#status = :sending AND claimToken = :previous AND claimUntil < :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':token': randomUUID(),
            ':until': now + leaseMs,
            ':one': 1,
            ':zero': 0,
            ':true': true,
            ':sending': 'SENDING',
            ':previous': mail.claimToken,
            ':now': now,
            ':error': shortError(error),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? withoutKeys(result.Attributes) : undefined;
    } catch (caught) {
      if (isConditionFailure(caught)) return undefined;
      throw caught;
    }
  }

  /** Gives the email back to the pending list after the mail service did not take it. */
  async release(mail: OutboxMail, error: string, nextAttemptAt: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mail(mail.caseId, mail.id),
          UpdateExpression:
            'SET #status = :pending, lastError = :error, nextAttemptAt = :next REMOVE claimToken, claimUntil',
          ConditionExpression: '#status = :sending AND claimToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'PENDING',
            ':sending': 'SENDING',
            ':token': mail.claimToken,
            ':error': shortError(error),
            ':next': nextAttemptAt,
          },
        }),
      );
      return true;
    } catch (caught) {
      if (isConditionFailure(caught)) return false;
      throw caught;
    }
  }

  /**
   * The writes that settle a claimed email as FAILED or UNCONFIRMED and take it off the pending list,
   * for the transaction that also records the case event. With `lapsedBefore`, only a claim that lapsed
   * before that instant may be settled (a sweep taking over from a sender that stopped).
   */
  settleItems(
    mail: OutboxMail,
    status: SettledStatus,
    error: string,
    at: string,
    lapsedBefore?: number,
  ): LabelledWrite[] {
    const values: Record<string, unknown> = {
      ':settled': status,
      ':sending': 'SENDING',
      ':token': mail.claimToken,
      ':error': shortError(error),
      ':at': at,
    };
    let condition = '#status = :sending AND claimToken = :token';
    if (lapsedBefore !== undefined) {
      condition += ' AND claimUntil < :lapsedBefore';
      values[':lapsedBefore'] = lapsedBefore;
    }
    return [
      {
        label: statusLabel(mail),
        write: {
          Update: {
            TableName: this.tableName,
            Key: keys.mail(mail.caseId, mail.id),
            UpdateExpression: 'SET #status = :settled, lastError = :error, settledAt = :at REMOVE claimUntil',
            ConditionExpression: condition,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
          },
        },
      },
      this.pendingEntryRemoval(mail),
    ];
  }

  /** The email of a case SES gave this message id (its last send's), when the event lacks the mail id header. */
  async findByMessageId(caseId: string, messageId: string): Promise<OutboxMail | undefined> {
    return (await this.listForCase(caseId)).find((mail) => mail.messageId === messageId);
  }

  /**
   * The writes that record SES's report that an email bounced or was complained of, for the transaction
   * that records it on the case. The report is final whatever the email's state: an email still pending
   * or being sent again (after a send without an answer) is not sent once more to an address SES now
   * suppresses; its sender finds the claim gone, and its pending entry goes in the same transaction.
   */
  reportItems(mail: OutboxMail, status: ReportedStatus, detail: string, at: string): LabelledWrite[] {
    return [
      {
        label: statusLabel(mail),
        write: {
          Update: {
            TableName: this.tableName,
            Key: keys.mail(mail.caseId, mail.id),
            UpdateExpression:
              'SET #status = :reported, lastError = :detail, reportedAt = :at REMOVE claimToken, claimUntil',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':reported': status, ':detail': shortError(detail), ':at': at },
          },
        },
      },
      this.pendingEntryRemoval(mail),
    ];
  }

  private pendingEntryRemoval(mail: Pick<OutboxMail, 'id' | 'createdAt'>): LabelledWrite {
    return {
      label: pendingLabel(mail),
      write: { Delete: { TableName: this.tableName, Key: keys.pendingMail(mail.createdAt, mail.id) } },
    };
  }

  /** Notes that SES reported the email's delivery delayed; its status stays. False when there is no such email. */
  async noteDelay(mail: Pick<OutboxMail, 'caseId' | 'id'>, delayType: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mail(mail.caseId, mail.id),
          UpdateExpression: 'SET delayedAt = :at, delayType = :type',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':at': at, ':type': shortError(delayType) },
        }),
      );
      return true;
    } catch (caught) {
      if (isConditionFailure(caught)) return false;
      throw caught;
    }
  }

  /** Settles an email on its own (when its case cannot take the event). */
  async settle(
    mail: OutboxMail,
    status: SettledStatus,
    error: string,
    at: string,
    lapsedBefore?: number,
  ): Promise<boolean> {
    const writes = this.settleItems(mail, status, error, at, lapsedBefore);
    try {
      await this.doc.send(transactionOf(writes));
      return true;
    } catch (caught) {
      if (cancellationReasons(caught, writes)?.get(statusLabel(mail)) === 'ConditionalCheckFailed') return false;
      throw caught;
    }
  }
}
