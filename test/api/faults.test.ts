import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { CaseStore } from '#store/case-store';
import { seedSubmission } from '../fixtures/submissions';
import type { ApiHarness } from './support/harness';
import { startApiHarness } from './support/harness';

/** A "DynamoDB" that accepts connections and never answers: the SDK's request timeout must end the wait. */
async function silentServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('dependency faults', () => {
  it('answers 503 with Retry-After when DynamoDB times out, and nothing is written', async () => {
    const silent = await silentServer();
    const client = new DynamoDBClient({
      endpoint: silent.endpoint,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 300, requestTimeout: 400, throwOnRequestTimeout: true },
    });
    const api: ApiHarness = await startApiHarness();
    const hanging = await startApiHarness({
      deps: { store: new CaseStore(DynamoDBDocumentClient.from(client), api.store.tableName) },
    });
    try {
      const reporter = await hanging.as('reporter', 'reporter-timeout');
      const started = Date.now();
      const submit = await reporter.post(
        '/cases',
        seedSubmission({ location: { subdistrict: '超时街道', community: '解放坡社区', address: '隆庆楼1号' } }),
        { 'idempotency-key': randomUUID() },
      );
      expect(submit.status).toBe(503);
      expect(submit.body).toMatchObject({ part: 'database', type: 'urn:rectify:problem:dependency-unavailable' });
      expect(submit.headers.get('retry-after')).not.toBeNull();
      expect(Date.now() - started).toBeLessThan(5_000);
      const read = await reporter.get('/cases/C-20261129-AAAAAA');
      expect(read.status).toBe(503);
      expect((await api.store.listByArea('超时街道')).items).toEqual([]);
    } finally {
      client.destroy();
      await hanging.close();
      await api.close();
      await silent.close();
    }
  });

  it('answers 429 with Retry-After when DynamoDB throttles', async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const mock = mockClient(doc);
    mock
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'throughput exceeded', $metadata: {} }));
    const api = await startApiHarness({ deps: { store: new CaseStore(doc, 'rectify-throttled') } });
    try {
      const answer = await (await api.as('officer')).get('/cases/C-20261129-AAAAAA');
      expect(answer.status).toBe(429);
      expect(answer.body).toMatchObject({ type: 'urn:rectify:problem:throttled', part: 'database' });
      expect(answer.headers.get('retry-after')).toBe('1');
    } finally {
      mock.restore();
      await api.close();
    }
  });

  it('stores a case again after a conflict on its address (another report there at the same moment), but answers a conflict on its key with 409', async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const mock = mockClient(doc);
    const conflictAt = (index: number) =>
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [0, 1, 2, 3].map((i) => ({ Code: i === index ? 'TransactionConflict' : 'None' })),
      });
    mock.on(PutCommand).resolves({});
    mock.on(GetCommand).resolves({});
    mock.on(TransactWriteCommand).rejectsOnce(conflictAt(3)).resolves({});
    const api = await startApiHarness({ deps: { store: new CaseStore(doc, 'rectify-conflicts') } });
    try {
      const reporter = await api.as('reporter', 'reporter-conflicts');
      const stored = await reporter.post('/cases', seedSubmission(), { 'idempotency-key': randomUUID() });
      expect(stored.status).toBe(201);
      expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);
      expect(api.engine.executions).toEqual([`${stored.body.id}--intake--1`]);

      mock.on(TransactWriteCommand).rejects(conflictAt(2));
      const inFlight = await reporter.post('/cases', seedSubmission(), { 'idempotency-key': randomUUID() });
      expect(inFlight.status).toBe(409);
      expect(inFlight.body).toMatchObject({ type: 'urn:rectify:problem:request-in-flight' });
    } finally {
      mock.restore();
      await api.close();
    }
  });

  it('answers health 503 with Retry-After naming the part that is down, never the error the SDK gave', async () => {
    // What the SDK says to a role without access: the account, the role and the table's ARN.
    const sdkError = Object.assign(
      new Error(
        'User: arn:aws:sts::123456789012:assumed-role/Rectify-prod-Health/x is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:ap-southeast-1:123456789012:table/Rectify-prod-Table',
      ),
      { name: 'AccessDeniedException' },
    );
    const api = await startApiHarness({
      deps: { health: { dynamodb: async () => undefined, mail: async () => Promise.reject(sdkError) } },
    });
    try {
      const answer = await api.anonymous.get('/health');
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).not.toBeNull();
      expect(answer.body).toEqual({
        status: 'unavailable',
        parts: { dynamodb: { up: true }, mail: { up: false, detail: 'answered with an error' } },
      });
      expect(JSON.stringify(answer.body)).not.toMatch(/123456789012|arn:|AccessDenied/);
    } finally {
      await api.close();
    }
  });

  it('answers 404 and 405 as problems on the local server', async () => {
    const api = await startApiHarness();
    try {
      const missing = await api.anonymous.get('/nowhere');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      const wrongMethod = await api.anonymous.call('DELETE', '/cases');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('POST, GET');
    } finally {
      await api.close();
    }
  });
});
