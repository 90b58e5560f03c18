import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import startSesServer from 'aws-ses-v2-local';
import type { Email } from 'aws-ses-v2-local/dist/store';
import { getStoreReadonly, saveEmail } from 'aws-ses-v2-local/dist/store';
import { getCurrentTimestamp, getMessageId } from 'aws-ses-v2-local/dist/util';
import { simpleParser } from 'mailparser';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './data-dir';

/**
 * The local SES: aws-ses-v2-local in this process. It answers the SES SendRawEmail API the mailer uses
 * (point the SDK at it with `AWS_ENDPOINT_URL_SES=<endpoint>`), shows the emails on a mailbox page (with
 * links to their attachments) and serves them as JSON at `/store`.
 *
 * Its mailbox lives in memory in this process: stopping and starting the server again (an outage) keeps
 * the emails. With `dataDir` the mailbox is also kept in `<dataDir>/mailbox.jsonl` and read back on
 * start, so a restarted local stack still shows what it sent before. The file is append-only, one email
 * per line, written asynchronously: a save costs the new emails, never the whole mailbox, and never holds
 * up the API that runs in the same process.
 */
export interface LocalSes {
  /** For `AWS_ENDPOINT_URL_SES`. */
  endpoint: string;
  /** The page that lists the emails. */
  mailboxUrl: string;
  /** The emails as JSON: `{emails: [...]}`; `?since=<epoch seconds>` narrows it. */
  storeUrl: string;
  port: number;
  /** Writes the emails received since the last save to the data folder (the stack does it every second). */
  save(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalSesOptions {
  /** `MAIL_PORT`, default 8005; 0 picks a free port. */
  port?: number;
  host?: string;
  dataDir?: string;
}

export const DEFAULT_MAIL_PORT = 8005;

const MAILBOX_FILE = 'mailbox.jsonl';
/** The whole-array file of earlier versions, read once and folded into the append-only file. */
const LEGACY_MAILBOX_FILE = 'mailbox.json';

function readEmails(file: string): { emails: Email[]; lines: number } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { emails: [], lines: 0 };
  }
  const emails: Email[] = [];
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (const line of lines) {
    try {
      emails.push(JSON.parse(line) as Email);
    } catch {
      // A line cut short by a kill while it was written: that email is lost to the page, not the outbox.
    }
  }
  return { emails, lines: lines.length };
}

function readLegacyEmails(file: string): Email[] {
  try {
    const saved: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(saved) ? (saved as Email[]) : [];
  } catch {
    return [];
  }
}

const asLines = (emails: readonly Email[]) => emails.map((email) => `${JSON.stringify(email)}\n`).join('');

/**
 * Loads the saved mailbox into the library's store. At start only (nothing is served yet), the file is
 * rewritten when it is not exactly the store's emails, one per line: a torn last line, a repeat, or the
 * emails of an earlier version's mailbox.json.
 */
function loadMailbox(dataDir: string): void {
  const file = path.join(dataDir, MAILBOX_FILE);
  const legacyFile = path.join(dataDir, LEGACY_MAILBOX_FILE);
  const saved = readEmails(file);
  const legacy = readLegacyEmails(legacyFile);
  const known = new Set(getStoreReadonly().emails.map((e) => e.messageId));
  for (const email of [...legacy, ...saved.emails]) {
    if (email && typeof email.messageId === 'string' && !known.has(email.messageId)) {
      saveEmail(email);
      known.add(email.messageId);
    }
  }
  const emails = getStoreReadonly().emails;
  if (saved.lines !== emails.length || legacy.length) {
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, asLines(emails), { mode: PRIVATE_FILE_MODE });
    renameSync(temporary, file);
  }
  rmSync(legacyFile, { force: true });
}

/** Appends what the store received since the last save; rewrites the file only after the store was cleared. */
function mailboxWriter(file: string): { save(): Promise<void> } {
  let savedArray = getStoreReadonly().emails;
  let savedCount = savedArray.length;
  let queue: Promise<void> = Promise.resolve();
  const saveOnce = async () => {
    const emails = getStoreReadonly().emails;
    if (emails !== savedArray || emails.length < savedCount) {
      // POST /clear-store replaced the list: the file starts again from what the store holds now.
      const count = emails.length;
      const temporary = `${file}.tmp`;
      await writeFile(temporary, asLines(emails.slice(0, count)), { mode: PRIVATE_FILE_MODE });
      await rename(temporary, file);
      savedArray = emails;
      savedCount = count;
      return;
    }
    if (emails.length === savedCount) return;
    const count = emails.length;
    await appendFile(file, asLines(emails.slice(savedCount, count)), { mode: PRIVATE_FILE_MODE });
    savedCount = count;
  };
  return {
    // One save at a time; a save asked for while one runs follows it.
    save() {
      const next = queue.then(saveOnce);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What the library keeps of an address field: its text, one per address list. */
function addressTexts(field: { text: string } | { text: string }[] | undefined): string[] {
  if (!field) return [];
  return (Array.isArray(field) ? field : [field]).map((a) => a.text);
}

/**
 * SendRawEmail as aws-ses-v2-local answers it, with the message's own headers kept: the library saves a
 * raw email's subject, bodies and attachments but drops its headers, and the outbox id travels in one
 * (X-Rectify-Mail-Id), which the mailbox page and the tests read.
 */
async function saveRawEmail(form: URLSearchParams, res: ServerResponse): Promise<void> {
  const data = form.get('RawMessage.Data');
  if (!data) {
    res
      .writeHead(400, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: 'RawMessage.Data is required' }));
    return;
  }
  const message = await simpleParser(Buffer.from(data, 'base64'));
  const from = message.from?.text ?? form.get('Source');
  if (!from) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'no sender' }));
    return;
  }
  const messageId = getMessageId();
  const email: Email = {
    messageId,
    from,
    replyTo: addressTexts(message.replyTo),
    destination: { to: addressTexts(message.to), cc: addressTexts(message.cc), bcc: addressTexts(message.bcc) },
    subject: message.subject ?? '(no subject)',
    body: { text: message.text, html: message.html || undefined },
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      content: a.content.toString('base64'),
    })),
    headers: message.headerLines.map((line) => ({
      name: line.key,
      value: line.line.slice(line.key.length + 1).trim(),
    })),
    at: getCurrentTimestamp(),
  };
  saveEmail(email);
  res
    .writeHead(200, { 'content-type': 'text/xml' })
    .end(
      `<?xml version="1.0" encoding="UTF-8"?><SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>${xmlEscape(messageId)}</MessageId></SendRawEmailResult></SendRawEmailResponse>`,
    );
}

/** SendRawEmail is answered here; every other request goes to the library, its form already read. */
function keepingRawHeaders(library: RequestListener): RequestListener {
  return (req, res) => {
    const isForm =
      req.method === 'POST' && /application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '');
    if (!isForm) {
      library(req, res);
      return;
    }
    readBody(req)
      .then(async (body) => {
        const form = new URLSearchParams(body.toString('utf8'));
        if (form.get('Action') === 'SendRawEmail') return saveRawEmail(form, res);
        // The body is read: the library's body parser sees a finished request and keeps this one.
        (req as IncomingMessage & { body?: unknown }).body = Object.fromEntries(form);
        library(req, res);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }));
      });
  };
}

export async function startLocalSes(options: LocalSesOptions = {}): Promise<LocalSes> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? DEFAULT_MAIL_PORT;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    loadMailbox(options.dataDir);
  }
  // Express hands a listen error to the callback, which the library resolves with regardless.
  const server: Server = await startSesServer({ host, port: requestedPort });
  if (!server.listening) {
    server.close();
    throw new Error(`the local SES could not listen on ${host}:${requestedPort} (is the port in use? set MAIL_PORT)`);
  }
  const [library] = server.listeners('request') as RequestListener[];
  if (library) {
    server.removeListener('request', library);
    server.on('request', keepingRawHeaders(library));
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requestedPort;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const writer = options.dataDir ? mailboxWriter(path.join(options.dataDir, MAILBOX_FILE)) : undefined;
  const save = async () => {
    await writer?.save();
  };
  const persist = writer
    ? setInterval(() => {
        save().catch(() => {
          // Kept in memory; the next save writes it (the page's copy is for people, the outbox decides).
        });
      }, 1000)
    : undefined;
  persist?.unref();

  return {
    endpoint: base,
    mailboxUrl: `${base}/`,
    storeUrl: `${base}/store`,
    port,
    save,
    async stop() {
      if (persist) clearInterval(persist);
      await save();
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SDK clients keep connections alive; without this, close waits for them to time out.
        server.closeAllConnections();
      });
    },
  };
}
