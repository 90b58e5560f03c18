import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { cursorKeyFromSecretEnv } from '#api/cursor-key-secret';
import { apiDepsFromEnv } from '#api/lambda-entry';
import { freshTable } from '../support/table';
import { gatewayAuth } from '../support/gateway';
import { CaseStates } from './support/case-states';

/**
 * Lambda instances of the paging functions share one cursor key, the deployment's Secrets Manager secret.
 * Found in AWS: nothing gave the functions a key, so each instance sealed with a random one of its own and
 * a cursor answered 400 on any instance but the one that issued it. Each instance here is its own module
 * load of the entry, as each Lambda instance is; Secrets Manager is a small server speaking its protocol.
 */
type Entry = { handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> };

const root = path.resolve(__dirname, '../..');
const SECRET_ARN = 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:rectify-test-cursor-key-AbCdEf';
const subdistrict = `密钥街道-${randomUUID().slice(0, 6)}`;

let table: Awaited<ReturnType<typeof freshTable>>;
let secrets: Server;
/** The secret's text, as Secrets Manager would answer it; every GetSecretValue asked, by SecretId. */
let secretString: string | undefined;
const asked: string[] = [];
/** While set, every connection is dropped unanswered, as an outage would. */
let unreachable = false;

function answerSecretsManager(request: IncomingMessage, response: ServerResponse): void {
  if (unreachable) {
    request.socket.destroy();
    return;
  }
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    const target = request.headers['x-amz-target'];
    const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
    if (target !== 'secretsmanager.GetSecretValue' || SecretId === undefined) {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'InvalidRequestException', message: `unexpected ${String(target)}` }));
      return;
    }
    asked.push(SecretId);
    if (SecretId !== SECRET_ARN || secretString === undefined) {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Secrets Manager can’t find it' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify({ ARN: SECRET_ARN, Name: 'rectify-test-cursor-key', SecretString: secretString }));
  });
}

beforeAll(async () => {
  table = await freshTable('cursor-secret');
  secrets = createServer(answerSecretsManager);
  await new Promise<void>((resolve) => secrets.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`;
  process.env.CURSOR_SECRET_ARN = SECRET_ARN;
  const states = new CaseStates(table.store, () => new Date());
  for (let i = 0; i < 3; i += 1)
    await states.reported({
      submission: { location: { subdistrict, community: '解放坡社区', address: `山洞路${i}号` } },
    });
});
afterAll(async () => {
  delete process.env.CURSOR_SECRET_ARN;
  delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  await new Promise((resolve) => secrets.close(resolve));
  await table.drop();
});
beforeEach(() => {
  secretString = 'q8Xk2vRr0mS9LwJ4tYb7NcH1eFz6PaGd3UoIj5Ks';
  asked.length = 0;
});

/** A fresh module load of an entry: a new Lambda instance with nothing cached. */
function newInstance(name: string): Entry {
  let entry: Entry | undefined;
  jest.isolateModules(() => {
    entry = jest.requireActual<Entry>(path.join(root, 'functions/api/handlers', `${name}.ts`));
  });
  if (!entry) throw new Error(`${name} did not load`);
  return entry;
}

function listEvent(query: Record<string, string>): APIGatewayProxyEvent {
  const auth = gatewayAuth('cognito-auditor-1', ['auditor', 'city']);
  return {
    resource: '/cases',
    path: '/cases',
    httpMethod: 'GET',
    headers: { Authorization: auth.authorization },
    multiValueHeaders: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      path: '/v1/cases',
      stage: 'v1',
      authorizer: { claims: auth.claims },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

interface CasePage {
  items: { id: string }[];
  cursor?: string;
}

describe('the cursor key of the paging functions in AWS', () => {
  const filters = { subdistrict, from: '2000-01-01', limit: '1' };

  it('is one for every instance: a cursor one instance issued continues on another', async () => {
    const [first, second] = [newInstance('list-cases'), newInstance('list-cases')];
    const page1 = await first.handler(listEvent(filters));
    expect(page1.statusCode).toBe(200);
    const { items: firstItems, cursor } = JSON.parse(page1.body) as CasePage;
    expect(cursor).toEqual(expect.any(String));
    const page2 = await second.handler(listEvent({ ...filters, cursor: cursor as string }));
    expect({ status: page2.statusCode, body: JSON.parse(page2.body) as unknown }).toEqual({
      status: 200,
      body: { items: [expect.objectContaining({ id: expect.any(String) })], cursor: expect.any(String) },
    });
    const secondItems = (JSON.parse(page2.body) as CasePage).items;
    expect(secondItems.map((c) => c.id)).not.toContain(firstItems[0]?.id);
    // Each instance read the secret once, for its first cursor.
    expect(asked).toEqual([SECRET_ARN, SECRET_ARN]);
  });

  it('is read once per instance, at the first cursor, not when the instance starts', async () => {
    const instance = newInstance('list-cases');
    expect(asked).toEqual([]);
    await instance.handler(listEvent(filters));
    const { cursor } = JSON.parse((await instance.handler(listEvent(filters))).body) as CasePage;
    await instance.handler(listEvent({ ...filters, cursor: cursor as string }));
    expect(asked).toEqual([SECRET_ARN]);
  });
});

describe('a cursor key the paging functions cannot use', () => {
  it('without CURSOR_SECRET_ARN: the instance does not start, naming the variable', () => {
    delete process.env.CURSOR_SECRET_ARN;
    try {
      expect(() => newInstance('list-cases')).toThrow(/invalid environment: CURSOR_SECRET_ARN/);
      expect(() => newInstance('get-case-history')).toThrow(/CURSOR_SECRET_ARN/);
    } finally {
      process.env.CURSOR_SECRET_ARN = SECRET_ARN;
    }
  });

  it('a secret shorter than 32 characters: the first cursor fails naming the secret, and nothing is sealed', async () => {
    secretString = 'too-short-for-a-key';
    await expect(cursorKeyFromSecretEnv(process.env)()).rejects.toThrow(
      `the cursor key secret ${SECRET_ARN} must hold a secret of at least 32 characters`,
    );
    const answer = await newInstance('list-cases').handler(listEvent({ subdistrict, from: '2000-01-01', limit: '1' }));
    expect(answer.statusCode).toBe(500);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 500 });
    expect(JSON.parse(answer.body)).not.toHaveProperty('items');
  });

  it('Secrets Manager unreachable: 503 naming the cursor key; the failed read is not kept, the next request reads again', async () => {
    const instance = newInstance('list-cases');
    unreachable = true;
    const down = await instance.handler(listEvent(filtersOf(subdistrict)));
    expect({ status: down.statusCode, part: (JSON.parse(down.body) as { part?: string }).part }).toEqual({
      status: 503,
      part: 'cursor-key',
    });
    unreachable = false;
    const up = await instance.handler(listEvent(filtersOf(subdistrict)));
    expect(up.statusCode).toBe(200);
    expect((JSON.parse(up.body) as CasePage).cursor).toEqual(expect.any(String));
  });
});

describe('a function whose route does not declare uses.cursor', () => {
  it('has no cursor key: sealing or opening a cursor there fails naming the declaration, and reads no secret', async () => {
    await expect(apiDepsFromEnv({}).cursorKey()).rejects.toThrow('its route must declare `uses: { cursor: true }`');
    expect(asked).toEqual([]);
  });
});

function filtersOf(name: string): Record<string, string> {
  return { subdistrict: name, from: '2000-01-01', limit: '1' };
}
