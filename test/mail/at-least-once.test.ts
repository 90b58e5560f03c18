import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESClient } from '@aws-sdk/client-ses';
import { simpleParser } from 'mailparser';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseEvent } from '#domain/schemas';
import type { MailRequest } from '#mail/mailer';
import { mailId } from '#mail/mailer';
import { dynamoDbClient, documentClient } from '#shared/aws-clients';
import { keys } from '#store/table';
import { arrivalsById, mailboxForCase } from '../support/mailbox';
import type { MailHarness } from './harness';
import { OFFICE, mailHarness } from './harness';
import { caseThroughStages } from './stages';

/**
 * The office's emails (notice copies, escalations, alerts…) are delivered at least once: a send whose
 * outcome is unknown is sent again, marked as a possible repeat and carrying the same mail id, a bounded
 * number of times; only then is the case flagged. The party's notice stays at most once.
 */

const HOUR = 3_600_000;
const fastRetry = { quickDelayMs: 5 };
const noPause = () => Promise.resolve();

async function emailFailures(h: MailHarness, caseId: string): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  for await (const e of h.table.store.allEvents(caseId)) if (e.type === 'EMAIL_FAILED') events.push(e);
  return events;
}

/** An SES client whose first `count` answers are lost after SES took the email (a socket hang-up). */
function hangingUpClient(h: MailHarness, count: number): { ses: SESClient; hangUps: () => number } {
  const ses = h.sesClient();
  let hangUps = 0;
  ses.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      if (hangUps < count) {
        hangUps += 1;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return result;
    },
    { step: 'initialize', name: 'loseTheAnswer' },
  );
  return { ses, hangUps: () => hangUps };
}

describe('an escalation whose send ended in a socket hang-up', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await mailHarness('mail-at-least-once');
  });
  afterAll(async () => {
    await h.close();
  });

  it('is sent again, marked as a possible repeat with the same mail id, and the case is not flagged', async () => {
    const stages = await caseThroughStages(h.table.store);
    const { ses, hangUps } = hangingUpClient(h, 1);
    const deliveries = await h
      .mailer({ ses, retry: fastRetry })
      .deliver({ kind: 'escalation', occasion: 'escalation', caseRecord: stages.escalated });
    expect(hangUps()).toBe(1);
    expect(deliveries.map((d) => d.status)).toEqual(['sent', 'sent']);

    const first = mailId(stages.reported.id, 'escalation', 'escalation', 0);
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    // SES took the first attempt: the office may see it twice, and can tell the copies are one email.
    expect(arrivalsById(mails)).toEqual({ [first]: 2, [mailId(stages.reported.id, 'escalation', 'escalation', 1)]: 1 });
    const [original, repeat] = mails.filter((m) => m.mailId === first);
    expect(original?.possibleRepeat).toBe(false);
    expect(original?.subject).not.toMatch(/可能重复/);
    expect(repeat?.possibleRepeat).toBe(true);
    expect(repeat?.subject).toMatch(/^【可能重复 Possible repeat】/);
    expect(repeat?.subject).toContain(original?.subject);
    expect(repeat?.text).toContain('可能重复');
    expect(repeat?.text).toContain('This email may be a repeat');
    expect(repeat?.text).toContain(first);
    expect(repeat?.html).toContain('This email may be a repeat');

    const stored = await h.mailer().outbox.get(stages.reported.id, first);
    expect(stored).toMatchObject({ status: 'SENT', possibleRepeat: true, unconfirmedSends: 1 });
    expect(await emailFailures(h, stages.reported.id)).toEqual([]);
    expect((await h.table.store.getCase(stages.reported.id))?.attention).toBeUndefined();
  });

  it('the party’s notice stays at most once: it is not resent, the case is flagged and the office told', async () => {
    const stages = await caseThroughStages(h.table.store);
    const { ses } = hangingUpClient(h, 1);
    const request: MailRequest = { kind: 'notice-to-party', occasion: 'notice-1', caseRecord: stages.noticed };
    expect((await h.mailer({ ses, retry: fastRetry }).deliver(request)).map((d) => d.status)).toEqual(['unconfirmed']);
    const mails = await mailboxForCase(h.endpoint, stages.reported.id);
    expect(mails.filter((m) => m.mailId?.endsWith('#notice-to-party'))).toHaveLength(1);
    expect(mails.filter((m) => m.mailId?.includes('#workflow-failure')).map((m) => m.to[0])).toEqual([
      ...OFFICE,
      'ops@example.gov.cn',
    ]);
    expect((await emailFailures(h, stages.reported.id)).map((e) => [e.data.kind, e.data.outcome])).toEqual([
      ['notice-to-party', 'unconfirmed'],
    ]);
  });
});

describe('an office email whose sender stopped between sending and recording it', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await mailHarness('mail-at-least-once-crash');
  });
  afterAll(async () => {
    await h.close();
  });

  it('is sent again by the sweep once the claim has lapsed, marked as a possible repeat', async () => {
    const stages = await caseThroughStages(h.table.store);
    let wall = Date.now();
    const wallNow = () => wall;
    const crashingClient = dynamoDbClient();
    crashingClient.middlewareStack.add(
      (next) => async (args) => {
        if (JSON.stringify(args.input).includes('"SENT"'))
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return next(args);
      },
      { step: 'initialize', name: 'loseTheTableAfterSending' },
    );
    const crashing = h.mailer({ doc: documentClient(crashingClient), wallNow, sleep: noPause });
    const request: MailRequest = { kind: 'notice-copy', occasion: 'notice-1', caseRecord: stages.noticed };
    try {
      await expect(crashing.deliver(request)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      crashingClient.destroy();
    }
    const id = mailId(stages.reported.id, 'notice-1', 'notice-copy', 0);
    expect(arrivalsById(await mailboxForCase(h.endpoint, stages.reported.id))).toEqual({ [id]: 1 });

    const next = h.mailer({ wallNow, retry: fastRetry });
    expect(await next.deliverPending()).toEqual({ sent: 0, pending: 1, failed: 0, unconfirmed: 0 });
    wall += HOUR;
    expect(await next.deliverPending()).toEqual({ sent: 1, pending: 0, failed: 0, unconfirmed: 0 });
    const copies = (await mailboxForCase(h.endpoint, stages.reported.id)).filter((m) => m.mailId === id);
    expect(copies.map((m) => m.possibleRepeat)).toEqual([false, true]);
    expect(await emailFailures(h, stages.reported.id)).toEqual([]);
    // The step asks again (its task is retried): the first address's email is not sent a third time; the
    // second address, which the stopped sender never reached, gets its email once.
    expect((await next.deliver(request)).map((d) => d.status)).toEqual(['already-sent', 'sent']);
    expect(arrivalsById(await mailboxForCase(h.endpoint, stages.reported.id))).toEqual({
      [id]: 2,
      [mailId(stages.reported.id, 'notice-1', 'notice-copy', 1)]: 1,
    });
  });
});

describe('a mail service that takes requests and never answers', () => {
  let h: MailHarness;
  beforeAll(async () => {
    h = await mailHarness('mail-at-least-once-silent');
  });
  afterAll(async () => {
    await h.close();
  });

  it('gets each office email a bounded number of times; then the email is settled UNCONFIRMED and the case flagged', async () => {
    const stages = await caseThroughStages(h.table.store);
    const received: string[] = [];
    const silent = createServer((req) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => received.push(body));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const ses = new SESClient({
      endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 300, throwOnRequestTimeout: true },
    });
    try {
      const mailer = h.mailer({ ses, retry: { ...fastRetry, maxUnconfirmedSends: 2 } });
      const deliveries = await mailer.deliver({
        kind: 'escalation',
        occasion: 'escalation-1',
        caseRecord: stages.escalated,
      });
      expect(deliveries.map((d) => d.status)).toEqual(['unconfirmed', 'unconfirmed']);
    } finally {
      ses.destroy();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
    // What SES was asked to send: SendRawEmail forms, each carrying the MIME message.
    const sent = await Promise.all(
      received.map(async (body) => {
        const message = await simpleParser(
          Buffer.from(new URLSearchParams(body).get('RawMessage.Data') ?? '', 'base64'),
        );
        return {
          mailId: String(message.headers.get('x-rectify-mail-id') ?? ''),
          possibleRepeat: message.headers.get('x-rectify-possible-repeat') === 'yes',
          subject: message.subject ?? '',
        };
      }),
    );
    const idOf = (s: (typeof sent)[number]) => s.mailId;
    const counts = new Map<string, number>();
    for (const s of sent) counts.set(idOf(s), (counts.get(idOf(s)) ?? 0) + 1);
    // Each escalation and each alert about it: twice (the bound), the second marked as a possible repeat.
    expect([...counts.values()]).toEqual(Array.from({ length: counts.size }, () => 2));
    expect([...counts.keys()].filter((id) => /#escalation(#1)?$/.test(id))).toHaveLength(2);
    // One alert per failed escalation to each of the office's two addresses and operations.
    expect([...counts.keys()].filter((id) => id.includes('#workflow-failure'))).toHaveLength(6);
    for (const s of sent.filter((x, i) => sent.findIndex((y) => idOf(y) === idOf(x)) !== i)) {
      expect(s.possibleRepeat).toBe(true);
      expect(s.subject).toMatch(/^【可能重复 Possible repeat】/);
    }
    const failures = await emailFailures(h, stages.reported.id);
    expect(failures.filter((e) => e.data.kind === 'escalation').map((e) => e.data.outcome)).toEqual([
      'unconfirmed',
      'unconfirmed',
    ]);
    expect(String(failures[0]?.data.error)).toMatch(/TimeoutError/);
    expect((await h.table.store.getCase(stages.reported.id))?.attention?.reason).toMatch(/unconfirmed/);
    const flagged = await h.table.doc.send(
      new GetCommand({ TableName: h.table.tableName, Key: keys.attention(stages.reported.id) }),
    );
    expect(flagged.Item).toBeDefined();
  });
});
