import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mailId } from '#mail/mailer';
import { dynamoDbClient, documentClient } from '#shared/aws-clients';
import { keys } from '#store/table';
import { mailboxForCase } from '../support/mailbox';
import type { MailHarness } from './harness';
import { RECIPIENTS, mailHarness } from './harness';
import { caseThroughStages } from './stages';

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
]);

/** Every write the client makes, with the write units DynamoDB reports for it. */
function meterEachWrite(client: DynamoDBClient): { command: string; units: number }[] {
  const writes: { command: string; units: number }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!WRITE_COMMANDS.has(command)) return next(args);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (
        result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
      ).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum, c) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      writes.push({ command, units });
      return result;
    },
    { step: 'initialize', name: 'meterEachWrite' },
  );
  return writes;
}

/**
 * The rendered email (text and HTML, about 12 KB for a notice copy) is stored once, when the email is
 * recorded; the writes that move it on (claimed, sent, released, settled) touch only its small status item.
 */
describe('the outbox stores each email body once', () => {
  let h: MailHarness;
  let client: DynamoDBClient;
  beforeAll(async () => {
    h = await mailHarness('mail-outbox-writes');
    client = dynamoDbClient();
  });
  afterAll(async () => {
    client.destroy();
    await h.close();
  });

  it('records the body with the email, then sends it with writes of a few units each', async () => {
    const stages = await caseThroughStages(h.table.store);
    const writes = meterEachWrite(client);
    const mailer = h.mailer({
      doc: documentClient(client),
      recipients: { ...RECIPIENTS, subdistricts: { 小龙坎街道: ['xlk-jdb@example.gov.cn'] } },
    });
    const request = { kind: 'notice-copy' as const, occasion: 'notice-1', caseRecord: stages.noticed };
    const [prepared] = mailer.prepare(request);
    if (!prepared) throw new Error('nothing prepared');
    expect(prepared.rendered.text.length + prepared.rendered.html.length).toBeGreaterThan(4_000);

    const deliveries = await mailer.deliver(request);
    expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 'sent'));
    const [recording, ...movingOn] = writes;
    expect(recording?.command).toBe('TransactWriteItemsCommand');
    expect(movingOn.length).toBeGreaterThan(0);
    expect(movingOn.filter((write) => write.units > 4)).toEqual([]);

    const id = mailId(stages.reported.id, 'notice-1', 'notice-copy');
    const status = await h.table.doc.send(
      new GetCommand({ TableName: h.table.tableName, Key: keys.mail(stages.reported.id, id) }),
    );
    expect(status.Item?.status).toBe('SENT');
    expect(status.Item).not.toHaveProperty('text');
    expect(status.Item).not.toHaveProperty('html');
    expect(JSON.stringify(status.Item).length).toBeLessThan(1_024);
    const [arrived] = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(arrived?.text).toBe(prepared.rendered.text);
    expect(arrived?.html).toBe(prepared.rendered.html);

    // The body is kept compressed: a fraction of the rendered text and HTML it stands for.
    const body = await h.table.doc.send(
      new GetCommand({ TableName: h.table.tableName, Key: keys.mailBody(stages.reported.id, id) }),
    );
    expect(body.Item).not.toHaveProperty('text');
    expect(body.Item).not.toHaveProperty('html');
    const compressed = body.Item?.compressedBody as unknown;
    if (!(compressed instanceof Uint8Array)) throw new Error('the body item holds no compressed body');
    const rendered = Buffer.byteLength(prepared.rendered.text) + Buffer.byteLength(prepared.rendered.html);
    expect(compressed.byteLength).toBeLessThan(rendered / 3);
  });

  it('sends an email whose body item holds its text and HTML uncompressed (recorded before compression) with that body', async () => {
    const stages = await caseThroughStages(h.table.store);
    const [prepared] = h
      .mailer()
      .prepare({ kind: 'reminder', occasion: 'reminder-uncompressed', caseRecord: stages.noticed });
    if (!prepared) throw new Error('nothing prepared');
    const { mail } = prepared;
    const { text, html, ...status } = mail;
    const now = Date.now();
    for (const Item of [
      {
        ...keys.mail(mail.caseId, mail.id),
        entity: 'mail',
        ...status,
        status: 'PENDING',
        attempts: 0,
        nextAttemptAt: now,
      },
      { ...keys.mailBody(mail.caseId, mail.id), entity: 'mail-body', text, html },
      { ...keys.pendingMail(mail.createdAt, mail.id), caseId: mail.caseId, mailId: mail.id, createdAt: mail.createdAt },
    ])
      await h.table.doc.send(new PutCommand({ TableName: h.table.tableName, Item }));
    expect(await h.mailer().deliverPending()).toEqual({ sent: 1, pending: 0, failed: 0, unconfirmed: 0 });
    const arrived = (await mailboxForCase(h.endpoint, stages.reported.id)).filter((m) => m.mailId === mail.id);
    expect(arrived.map((m) => [m.text, m.html])).toEqual([[text, html]]);
  });

  it('sends an email recorded with its body inside its status item (before bodies were kept apart) with that body', async () => {
    const stages = await caseThroughStages(h.table.store);
    const [prepared] = h
      .mailer()
      .prepare({ kind: 'reminder', occasion: 'reminder-legacy', caseRecord: stages.noticed });
    if (!prepared) throw new Error('nothing prepared');
    const { mail } = prepared;
    const now = Date.now();
    await h.table.doc.send(
      new PutCommand({
        TableName: h.table.tableName,
        Item: {
          ...keys.mail(mail.caseId, mail.id),
          entity: 'mail',
          ...mail,
          status: 'PENDING',
          attempts: 0,
          nextAttemptAt: now,
        },
      }),
    );
    await h.table.doc.send(
      new PutCommand({
        TableName: h.table.tableName,
        Item: {
          ...keys.pendingMail(mail.createdAt, mail.id),
          caseId: mail.caseId,
          mailId: mail.id,
          createdAt: mail.createdAt,
        },
      }),
    );
    expect(await h.mailer().deliverPending()).toEqual({ sent: 1, pending: 0, failed: 0, unconfirmed: 0 });
    const arrived = (await mailboxForCase(h.endpoint, stages.reported.id)).filter((m) => m.mailId === mail.id);
    expect(arrived.map((m) => m.text)).toEqual([mail.text]);
  });
});
