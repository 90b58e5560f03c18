import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { systemClock } from '#domain/clock';
import { makeRouteHandler } from '#api/route-pipeline';
import { getHealth } from '#api/routes/health';
import { makeDeliverPendingHandler } from '#mail/deliver-pending-handler';
import { injectLambdaContext } from '#shared/lambda-context';
import type { TaskDeps } from '#tasks/task-kit';
import { defineTask } from '#tasks/task-kit';
import { PROJECT_ROOT } from '#infra/bundling';
import { MANIFEST } from '#infra/manifest';

const context = {
  awsRequestId: 'req-1',
  functionName: 'rectify-test-X',
  functionVersion: '$LATEST',
  memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:x',
  getRemainingTimeInMillis: () => 60_000,
};

function spyLogger() {
  const added: unknown[] = [];
  return {
    added,
    logger: {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      addContext: (c: unknown) => void added.push(c),
    },
  };
}

describe('the Lambda context on every log line (Powertools injectLambdaContext)', () => {
  it('is added by an API route handler, a task and the mail sweep, from the invocation’s context', async () => {
    const api = spyLogger();
    const route = makeRouteHandler(getHealth, async () => ({ statusCode: 200, body: { status: 'ok', parts: {} } }), {
      clock: systemClock,
      logger: api.logger,
    });
    await route(
      {
        resource: '/health',
        path: '/health',
        httpMethod: 'GET',
        headers: {},
        queryStringParameters: null,
        pathParameters: null,
        requestContext: { requestId: 'r' },
      } as unknown as APIGatewayProxyEvent,
      context,
    );
    const task = spyLogger();
    await defineTask('noop', z.unknown(), z.unknown(), async () => ({}))({
      logger: task.logger,
    } as unknown as TaskDeps)({}, context);
    const sweep = spyLogger();
    await makeDeliverPendingHandler({
      sweeper: { deliverPending: async () => ({ delivered: 0 }) as never },
      logger: sweep.logger,
    })({}, context);
    expect([api.added, task.added, sweep.added]).toEqual([[context], [context], [context]]);
  });

  it('puts the request id and cold start into a Powertools logger’s lines', () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const logger = new Logger({ serviceName: 'rectify-test', logLevel: 'INFO' });
      injectLambdaContext(logger, context);
      logger.info('hello');
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('\n')).toMatch(/"function_request_id":"req-1"/);
    expect(lines.join('\n')).toMatch(/"cold_start":/);
  });

  it('is injected by every entry the stack deploys: through the API adapter, a task, the sweep, or itself', () => {
    for (const spec of MANIFEST.functions) {
      const source = readFileSync(path.join(PROJECT_ROOT, spec.entry), 'utf8');
      const via =
        /\b(apiHandler|taskLambda)\(/.test(source) ||
        /\bmake\w+Handler\(/.test(source) ||
        /\binjectLambdaContext\(/.test(source);
      expect({ entry: spec.entry, injects: via }).toEqual({ entry: spec.entry, injects: true });
    }
  });
});
