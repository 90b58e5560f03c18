import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AppLogger } from '#app/context';
import { silentLogger } from '#app/context';
import type { ProxyHandler } from '#api/route-pipeline';
import { BODY_LIMIT_BYTES, problemResult } from '#api/http';
import { HttpProblem } from '#api/problem';
import type { AnyRoute } from '#api/routes/index';
import type { LocalAuth } from './local-auth';

/** One route served locally: its spec and the same handler a Lambda would run. */
export interface LocalRoute {
  route: AnyRoute;
  handler: ProxyHandler;
}

export interface ApiServerOptions {
  routes: readonly LocalRoute[];
  auth: LocalAuth;
  port?: number;
  host?: string;
  bodyLimitBytes?: number;
  logger?: AppLogger;
  /**
   * Answers a path no API route matches (the console's files, the local sign-in); returns false to
   * leave it to the usual 404. API routes always win.
   */
  fallback?: (request: IncomingMessage, response: ServerResponse, path: string) => Promise<boolean>;
}

export interface ApiServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

interface CompiledRoute extends LocalRoute {
  pattern: RegExp;
  names: string[];
}

function compile(entry: LocalRoute): CompiledRoute {
  const names: string[] = [];
  const source = entry.route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { ...entry, pattern: new RegExp(`^${source}$`), names };
}

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > limit) return reject(new BodyTooLargeError());
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
  response.statusCode = result.statusCode;
  response.end(result.body);
}

function headerMaps(request: IncomingMessage): Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'> {
  // Without a prototype: a header named `constructor` or `__proto__` is a name like any other.
  const headers: Record<string, string> = Object.create(null);
  const multiValueHeaders: Record<string, string[]> = Object.create(null);
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    const value = request.rawHeaders[i + 1] as string;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

/**
 * The API on localhost: the same Lambda handlers behind an API-Gateway-shaped adapter. It does what API
 * Gateway and its Cognito authorizer do in AWS: route by resource path, verify the bearer token and put
 * its claims in `requestContext.authorizer.claims`, and build the REST proxy event.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  // Like API Gateway, a literal path segment wins over a variable one: /cases/export is not /cases/{id}.
  const compiled = options.routes.map(compile).sort((a, b) => a.names.length - b.names.length);
  const limitOf = (route: AnyRoute) => options.bodyLimitBytes ?? route.bodyLimitBytes ?? BODY_LIMIT_BYTES;
  const logger = options.logger ?? silentLogger;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const answerProblem = (problem: HttpProblem) => send(response, problemResult(problem, path, requestId));

    const matches = compiled.map((route) => ({ route, match: route.pattern.exec(path) })).filter((m) => m.match);
    if (matches.length === 0 && options.fallback && (await options.fallback(request, response, path))) return;
    if (matches.length === 0) return answerProblem(new HttpProblem('not-found', `There is no route ${path}.`));
    const found = matches.find((m) => m.route.route.method.toUpperCase() === method);
    if (!found?.match) {
      const allowed = [...new Set(matches.map((m) => m.route.route.method.toUpperCase()))].join(', ');
      return answerProblem(
        new HttpProblem(
          'method-not-allowed',
          `${method} is not supported on ${path}; use ${allowed}.`,
          {},
          { allow: allowed },
        ),
      );
    }
    const { route, handler, names } = found.route;

    // As API Gateway's authorizer: the token is checked before a byte of the body is read.
    let claims: Record<string, string> | undefined;
    if (!route.access.public) {
      const authorization = request.headers.authorization ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!bearer) {
        response.setHeader('connection', 'close');
        return answerProblem(
          new HttpProblem(
            'unauthenticated',
            'Send a bearer token: Authorization: Bearer <token> (npm run token).',
            {},
            { 'www-authenticate': 'Bearer realm="rectify"' },
          ),
        );
      }
      try {
        claims = await options.auth.verify(bearer[1] as string);
      } catch (error) {
        // The reason stays in the log: telling a caller why a token failed helps only someone forging one.
        logger.info('bearer token refused', {
          requestId,
          reason: error instanceof Error ? error.message : String(error),
        });
        response.setHeader('connection', 'close');
        return answerProblem(
          new HttpProblem(
            'unauthenticated',
            'The bearer token was refused: sign in again (npm run token).',
            {},
            { 'www-authenticate': 'Bearer realm="rectify", error="invalid_token"' },
          ),
        );
      }
    }

    let body: Buffer;
    const limit = limitOf(route);
    try {
      body = await readBody(request, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        response.setHeader('connection', 'close');
        return answerProblem(new HttpProblem('payload-too-large', `The body is larger than ${limit} bytes.`));
      }
      throw error;
    }

    const pathParameters: Record<string, string> = {};
    try {
      names.forEach((name, i) => (pathParameters[name] = decodeURIComponent(found.match?.[i + 1] ?? '')));
    } catch {
      return answerProblem(
        new HttpProblem('invalid-input', 'The path is not valid.', {
          errors: [{ field: names[0] ?? 'path', in: 'path', message: 'is not validly percent-encoded' }],
        }),
      );
    }
    // Without a prototype, as for headers: `?toString=1` must not find Object.prototype.toString.
    const queryStringParameters: Record<string, string> = Object.create(null);
    const multiValueQueryStringParameters: Record<string, string[]> = Object.create(null);
    for (const [name, value] of url.searchParams) {
      queryStringParameters[name] = value;
      (multiValueQueryStringParameters[name] ??= []).push(value);
    }
    const text = body.toString('utf8');
    const isText = Buffer.from(text, 'utf8').equals(body);
    const socket = request.socket;
    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path,
      httpMethod: method,
      ...headerMaps(request),
      queryStringParameters: url.searchParams.size ? queryStringParameters : null,
      multiValueQueryStringParameters: url.searchParams.size ? multiValueQueryStringParameters : null,
      pathParameters: names.length ? pathParameters : null,
      stageVariables: null,
      body: body.length ? (isText ? text : body.toString('base64')) : null,
      isBase64Encoded: body.length > 0 && !isText,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        authorizer: claims ? { claims } : undefined,
        protocol: `HTTP/${request.httpVersion}`,
        httpMethod: method,
        identity: {
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: socket.remoteAddress ?? '127.0.0.1',
          user: null,
          userAgent: request.headers['user-agent'] ?? null,
          userArn: null,
        },
        path,
        stage: 'local',
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: route.operationId,
        resourcePath: route.path,
      },
    };
    send(response, await handler(event));
  }

  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error('local API server failed a request', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      if (!response.headersSent)
        send(response, problemResult(new HttpProblem('internal', 'The local server failed.'), request.url, undefined));
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open; requests in progress finish first.
        server.closeIdleConnections();
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 2_000).unref();
      }),
  };
}
