import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chinaCalendar } from '#domain/china-calendar';
import type { Clock } from '#domain/clock';
import { manualClock } from '#domain/clock';
import { resolvePolicy } from '#domain/policy';
import type { Role } from '#domain/vocabulary';
import type { ApiDeps } from '#api/operations/index';
import { bindRoutes } from '#api/operations/index';
import type { ApiServer } from '#local/api-server';
import { startApiServer } from '#local/api-server';
import type { LocalAuth } from '#local/local-auth';
import { localAuth } from '#local/local-auth';
import { localDigestSigner } from '#local/local-digest-signer';
import type { CaseStore } from '#store/case-store';
import { freshTable } from '#test/support/table';
import { freshBucket } from '#test/support/objects';
import { RecordingEngine } from './recording-engine';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A small HTTP client for tests: JSON in, JSON (or problem+json) out. */
export function client(baseUrl: string, token?: string) {
  async function call(
    method: string,
    pathAndQuery: string,
    options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}) };
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${baseUrl}${pathAndQuery}`, {
      method,
      headers: { ...headers, ...options.headers },
      body,
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed };
  }
  return {
    get: (p: string, headers?: Record<string, string>) => call('GET', p, { headers }),
    post: (p: string, body: unknown, headers?: Record<string, string>) => call('POST', p, { body, headers }),
    postRaw: (p: string, raw: string, headers?: Record<string, string>) => call('POST', p, { raw, headers }),
    call,
  };
}
export type Client = ReturnType<typeof client>;

export interface ApiHarness {
  url: string;
  store: CaseStore;
  engine: RecordingEngine;
  clock: Clock & { set(to: Date): void; advance(ms: number): void };
  auth: LocalAuth;
  /** Moves the wall clock the idempotency timings use. */
  advanceWall(ms: number): void;
  as(role: Role, sub?: string): Promise<Client>;
  anonymous: Client;
  deps: ApiDeps;
  /** The test file's own bucket on the run's local S3 (the API's object store). */
  bucket: Awaited<ReturnType<typeof freshBucket>>;
  server: ApiServer;
  close(): Promise<void>;
}

/**
 * The API handlers behind the local server, on a fresh table of the test run's DynamoDB Local, with a
 * recording workflow engine and a manual legal clock.
 */
export async function startApiHarness(
  options: { now?: Date; deps?: Partial<ApiDeps>; dataDir?: string } = {},
): Promise<ApiHarness> {
  const table = await freshTable('api');
  // The API's own bucket last: freshBucket points OBJECT_BUCKET at the bucket it makes.
  const digestBucket = await freshBucket('digests');
  const bucket = await freshBucket('api');
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'rectify-api-'));
  const auth = await localAuth(dataDir);
  const engine = new RecordingEngine();
  const clock = manualClock(options.now ?? new Date('2026-11-25T02:00:00Z'));
  let wallOffset = 0;
  const deps: ApiDeps = {
    store: table.store,
    engine,
    clock,
    calendar: chinaCalendar(),
    policy: resolvePolicy(),
    wallNow: () => Date.now() + wallOffset,
    health: { database: async () => undefined },
    objects: bucket.objects,
    digests: (() => {
      const key = localDigestSigner(dataDir);
      return { archive: digestBucket.objects, signer: key, publicKey: key };
    })(),
    ...options.deps,
  };
  const server = await startApiServer({ routes: bindRoutes(deps), auth });
  return {
    url: server.url,
    store: deps.store,
    engine,
    clock,
    auth,
    advanceWall: (ms) => {
      wallOffset += ms;
    },
    as: async (role, sub) => client(server.url, await auth.issue({ role, sub })),
    anonymous: client(server.url),
    deps,
    bucket,
    server,
    async close() {
      await server.close();
      await table.drop();
      bucket.close();
      digestBucket.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
