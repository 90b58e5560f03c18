import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import startSesServer from 'aws-ses-v2-local';
import type { Email } from 'aws-ses-v2-local/dist/store';
import { getStoreReadonly, saveEmail } from 'aws-ses-v2-local/dist/store';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './data-dir';

/**
 * The local SES: aws-ses-v2-local in this process. It answers the SES v2 SendEmail API the mailer uses
 * (point the SDK at it with `AWS_ENDPOINT_URL_SESV2=<endpoint>`), shows the emails on a mailbox page and
 * serves them as JSON at `/store`.
 *
 * Its mailbox lives in memory in this process: stopping and starting the server again (an outage) keeps
 * the emails. With `dataDir` the mailbox is also written to `<dataDir>/mailbox.json` and read back on
 * start, so a restarted local stack still shows what it sent before.
 */
export interface LocalSes {
  /** For `AWS_ENDPOINT_URL_SESV2`. */
  endpoint: string;
  /** The page that lists the emails. */
  mailboxUrl: string;
  /** The emails as JSON: `{emails: [...]}`; `?since=<epoch seconds>` narrows it. */
  storeUrl: string;
  port: number;
  stop(): Promise<void>;
}

export interface LocalSesOptions {
  /** `MAIL_PORT`, default 8005; 0 picks a free port. */
  port?: number;
  host?: string;
  dataDir?: string;
}

export const DEFAULT_MAIL_PORT = 8005;

const MAILBOX_FILE = 'mailbox.json';

function loadMailbox(file: string): void {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return;
  }
  if (!Array.isArray(saved)) return;
  const known = new Set(getStoreReadonly().emails.map((e) => e.messageId));
  for (const email of saved as Email[]) {
    if (email && typeof email.messageId === 'string' && !known.has(email.messageId)) saveEmail(email);
  }
}

function saveMailbox(file: string): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify(getStoreReadonly().emails), { mode: PRIVATE_FILE_MODE });
  renameSync(temporary, file);
}

export async function startLocalSes(options: LocalSesOptions = {}): Promise<LocalSes> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? DEFAULT_MAIL_PORT;
  const mailboxFile = options.dataDir ? path.join(options.dataDir, MAILBOX_FILE) : undefined;
  if (options.dataDir && mailboxFile) {
    mkdirSync(options.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    loadMailbox(mailboxFile);
  }
  // Express hands a listen error to the callback, which the library resolves with regardless.
  const server: Server = await startSesServer({ host, port: requestedPort });
  if (!server.listening) {
    server.close();
    throw new Error(`the local SES could not listen on ${host}:${requestedPort} (is the port in use? set MAIL_PORT)`);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requestedPort;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let savedCount = getStoreReadonly().emails.length;
  const persist = mailboxFile
    ? setInterval(() => {
        const count = getStoreReadonly().emails.length;
        if (count !== savedCount) {
          saveMailbox(mailboxFile);
          savedCount = count;
        }
      }, 1000)
    : undefined;
  persist?.unref();

  return {
    endpoint: base,
    mailboxUrl: `${base}/`,
    storeUrl: `${base}/store`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (persist) clearInterval(persist);
        if (mailboxFile) saveMailbox(mailboxFile);
        if (!server.listening) return resolve();
        server.close(() => resolve());
        // SDK clients keep connections alive; without this, close waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
