import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildOpenApiDocument } from '#api/openapi';
import { ROUTES } from '#api/routes/index';
import type { ApiHarness } from './support/harness';
import { startApiHarness } from './support/harness';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api.close();
});

describe('GET /openapi.json', () => {
  it('serves the document generated from the route table, without a token', async () => {
    const answer = await api.anonymous.get('/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    expect(answer.body.openapi).toBe('3.1.0');
    for (const route of ROUTES) expect(answer.body.paths[route.path][route.method].operationId).toBe(route.operationId);
    expect(answer.body.paths['/cases'].post.parameters).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    ]);
    expect(answer.body.components.schemas.CaseSubmission.properties.structure.properties.areaM2).toMatchObject({
      exclusiveMinimum: 0,
      maximum: 100000,
    });
  });

  it('passes redocly lint with the recommended rules', async () => {
    const document = (await api.anonymous.get('/openapi.json')).body;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rectify-openapi-'));
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    try {
      // A non-zero exit (any error) rejects; warnings are counted in the report.
      const { stdout } = await run(
        path.join(root, 'node_modules/.bin/redocly'),
        ['lint', file, '--config', path.join(root, 'redocly.yaml'), '--format', 'json'],
        { cwd: root },
      );
      const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
      expect(report.problems).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
