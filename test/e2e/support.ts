import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { Role } from '#domain/vocabulary';
import type { LocalStack, LocalStackOptions } from '#local/stack';
import { startLocalStack } from '#local/stack';
import type { Client } from '../api/support/harness';
import { client } from '../api/support/harness';

/**
 * Legal seconds per wall second in the end-to-end tests: a 7-day notice deadline passes in about 6 s,
 * and a person still has seconds to answer a step before it is overdue.
 */
const E2E_CLOCK_FACTOR = 100_000;

export interface E2eStack {
  stack: LocalStack;
  dataDir: string;
  as(role: Role, sub?: string): Promise<Client>;
  anonymous: Client;
  /** Stops the stack and keeps its data folder (for a restart). */
  stop(): Promise<void>;
  /** Stops the stack and removes its data folder. */
  dispose(): Promise<void>;
}

/** The whole local stack, started in this process on free ports with a temporary (or given) DATA_DIR. */
export async function startE2eStack(options: Partial<LocalStackOptions> = {}): Promise<E2eStack> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'rectify-e2e-'));
  const stack = await startLocalStack({
    port: 0,
    mailPort: 0,
    clockFactor: E2E_CLOCK_FACTOR,
    demoData: false,
    retryIntervalMs: 50,
    mailSweepIntervalMs: 500,
    ...options,
    dataDir,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stack.stop();
  };
  return {
    stack,
    dataDir,
    as: async (role, sub) => client(stack.apiUrl, await stack.auth.issue({ role, sub })),
    anonymous: client(stack.apiUrl),
    stop,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails with what it saw last. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastConnectionError: unknown;
  for (;;) {
    let value: T | undefined;
    try {
      value = await check();
    } catch (error) {
      // A kept-alive connection the server closed as it was reused fails one poll; the next poll asks again.
      if (!(error instanceof TypeError && error.message === 'fetch failed')) throw error;
      lastConnectionError = error;
    }
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastConnectionError });
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface MailboxEmail {
  subject: string;
  destination: { to: string[] };
  body?: { text?: string; html?: string };
}

export async function mailbox(stack: LocalStack): Promise<MailboxEmail[]> {
  const response = await fetch(stack.mailStoreUrl);
  return ((await response.json()) as { emails: MailboxEmail[] }).emails;
}

/**
 * 送达 as an office records it: once the workflow waits for the service of `document`, an officer records
 * 直接送达 on that legal day (the workflow counts the document's periods from it).
 */
export async function serveWhenAwaited(
  e2e: { stack: Pick<E2eStack['stack'], 'clock'> },
  officer: Client,
  id: string,
  document: 'notice' | 'enforcement-decision',
): Promise<void> {
  const waiting = await eventually(
    `${id}: the wait for the service of the ${document}`,
    async () => {
      const answer = await officer.get(`/cases/${id}`);
      const unserved = (answer.body.unservedDocuments ?? []) as string[];
      return answer.body.pendingCallback?.kind === 'service' && unserved.includes(document) ? answer : undefined;
    },
    60_000,
  );
  const served = await officer.post(
    `/cases/${id}/service`,
    { document, method: 'direct', servedOn: shanghaiDateOf(e2e.stack.clock.now()), receiver: '当事人本人' },
    { 'if-match': waiting.headers.get('etag') as string },
  );
  if (served.status !== 200)
    throw new Error(`recording the service answered ${served.status}: ${JSON.stringify(served.body)}`);
}
