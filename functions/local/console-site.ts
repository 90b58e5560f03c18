import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import * as z from 'zod';
import type { Clock } from '#domain/clock';
import { ROLES } from '#domain/vocabulary';
import type { LocalAuth } from './local-auth';

/** Where the console lives on the API's origin, locally as behind CloudFront: `/console/…`. */
export const CONSOLE_BASE_PATH = '/console';

const CONTENT_TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.woff2', 'font/woff2'],
]);

/** The local stand-in for Cognito's hosted sign-in: who you are and your role, nothing else to prove. */
const signInSchema = z.strictObject({
  role: z.enum(ROLES),
  sub: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .regex(/^[\w.@-]+$/, 'may hold letters, digits and . _ @ - only')
    .optional(),
  /** The sub-districts the person acts in, as Cognito's `custom:subdistricts`; none: the whole city. */
  subdistricts: z.array(z.string().trim().min(1).max(64)).max(20).optional(),
});

export interface ConsoleSiteOptions {
  /** The built console (console/dist). */
  dir: string;
  auth: LocalAuth;
  clock: Clock;
  clockFactor: number;
  /** The local S3's origin: the console uploads and downloads evidence there with presigned URLs. */
  objectStoreOrigin: string;
}

function sendJson(response: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 4096) throw new Error('body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

/**
 * What the local server answers besides the API: the console's files (any path under /console without
 * a file is the single-page app), its configuration, and the local sign-in. Answers false when the
 * path is none of these, so the caller can answer 404.
 */
export function consoleSite(options: ConsoleSiteOptions) {
  const root = path.resolve(options.dir);
  const objectStore = new URL(options.objectStoreOrigin).origin;

  async function serveFile(response: ServerResponse, file: string, immutable: boolean): Promise<void> {
    const body = await readFile(file);
    response.writeHead(200, {
      'content-type': CONTENT_TYPES.get(path.extname(file)) ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      ...(file.endsWith('.html')
        ? {
            // Evidence goes to and comes from the object store directly (presigned URLs), never via the API.
            'content-security-policy': `default-src 'self'; connect-src 'self' ${objectStore}; img-src 'self' data: ${objectStore}; style-src 'self'; frame-ancestors 'none'`,
            'referrer-policy': 'no-referrer',
          }
        : {}),
    });
    response.end(body);
  }

  return async function handle(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<boolean> {
    const method = (request.method ?? 'GET').toUpperCase();
    if (pathname === '/' && method === 'GET') {
      response.writeHead(302, { location: `${CONSOLE_BASE_PATH}/` });
      response.end();
      return true;
    }
    if (pathname === '/local/sign-in' && method === 'POST') {
      let body: unknown;
      try {
        body = await readJson(request);
      } catch {
        sendJson(
          response,
          400,
          {
            type: 'urn:rectify:problem:invalid-input',
            title: 'The request is not valid',
            status: 400,
            errors: [{ field: '(body)', in: 'body', message: 'must be a JSON object' }],
          },
          'application/problem+json',
        );
        return true;
      }
      const parsed = signInSchema.safeParse(body);
      if (!parsed.success) {
        const errors = parsed.error.issues.map((issue) => ({
          field: issue.path.join('.') || '(body)',
          in: 'body',
          message: issue.message,
        }));
        sendJson(
          response,
          400,
          { type: 'urn:rectify:problem:invalid-input', title: 'The request is not valid', status: 400, errors },
          'application/problem+json',
        );
        return true;
      }
      const { role, sub, subdistricts } = parsed.data;
      const scope = subdistricts?.length ? { subdistricts: [...new Set(subdistricts)] } : {};
      sendJson(response, 200, { token: await options.auth.issue({ role, sub: sub ?? `local-${role}`, ...scope }) });
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (pathname === `${CONSOLE_BASE_PATH}/config.json`) {
      sendJson(response, 200, {
        auth: 'local',
        apiBase: '',
        clock: { legal: options.clock.now().toISOString(), wall: Date.now(), factor: options.clockFactor },
      });
      return true;
    }
    if (pathname !== CONSOLE_BASE_PATH && !pathname.startsWith(`${CONSOLE_BASE_PATH}/`)) return false;
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(CONSOLE_BASE_PATH.length)).replace(/^\/+/, '');
    } catch {
      return false;
    }
    const file = path.resolve(root, relative);
    if (relative && file.startsWith(root + path.sep) && path.extname(file)) {
      const found = await stat(file).catch(() => undefined);
      if (found?.isFile()) {
        await serveFile(response, file, relative.startsWith('assets/'));
        return true;
      }
      sendJson(
        response,
        404,
        { type: 'urn:rectify:problem:not-found', title: 'Not found', status: 404 },
        'application/problem+json',
      );
      return true;
    }
    // A route of the single-page app (/console/cases/C-…): the app itself, which reads the path.
    await serveFile(response, path.join(root, 'index.html'), false);
    return true;
  };
}
