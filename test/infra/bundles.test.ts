import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { DOCUMENT_FONT_FILE } from '#documents/document-font';
import { BUNDLING, DOCUMENT_BUNDLING, PROJECT_ROOT } from '#infra/bundling';
import { MANIFEST } from '#infra/manifest';

/**
 * What a cold start loads is what the bundle holds. Each function's bundle carries a client or a data set
 * only when the function needs it: the Step Functions client only with workflow actions, the SES client
 * only where it sends mail, the holiday calendar only where it computes deadlines, the S3 client only where it
 * reaches the object store or the digests, the KMS client only where it signs or checks digests, the Secrets Manager client only where it pages (and there it must be, to read
 * the cursor key). Bundled with the
 * options the stack deploys with (infra/bundling.ts), its metafile naming every input that adds bytes.
 */
const HEAVY_PARTS = [
  { part: 'node_modules/@aws-sdk/client-sfn/', neededWhen: ['stateMachine'] },
  { part: 'node_modules/@aws-sdk/client-ses/', neededWhen: ['mail'] },
  { part: 'node_modules/chinese-days/', neededWhen: ['deadlines'] },
  // The digests are kept in a bucket of their own.
  { part: 'node_modules/@aws-sdk/client-s3/', neededWhen: ['objects', 'digests'] },
  { part: 'node_modules/@aws-sdk/client-secrets-manager/', neededWhen: ['cursorKey'] },
  { part: 'node_modules/@aws-sdk/client-kms/', neededWhen: ['digests'] },
  { part: 'node_modules/pdfkit/', neededWhen: ['documents'] },
  // Node's own Brotli stands in for it (infra/brotli-decompress.ts): no function needs the JavaScript decoder.
  { part: 'node_modules/brotli/', neededWhen: [] },
] as const;

/** The `--alias:from=to` pairs the stack passes to esbuild, as its API takes them. */
function aliasesOf(args: string | boolean | string[] | undefined): Record<string, string> {
  const pairs = Array.isArray(args) ? args : [];
  return Object.fromEntries(pairs.map((pair) => pair.split('=') as [string, string]));
}

async function inputsOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    target: BUNDLING.target,
    format: 'cjs',
    mainFields: BUNDLING.mainFields,
    external: BUNDLING.externalModules,
    define: BUNDLING.define,
    inject: BUNDLING.inject,
    alias: aliasesOf(BUNDLING.esbuildArgs?.['--alias']),
    minify: true,
    logLevel: 'silent',
  });
  // The inputs of the output with the bytes they put into it: a module esbuild shook out entirely adds none.
  const [output] = Object.values(result.metafile.outputs);
  return Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
}

describe('each function’s bundle', () => {
  it.each(MANIFEST.functions.map((spec) => [spec.id, spec] as const))(
    '%s carries the Step Functions, SES, S3 and Secrets Manager clients, the holiday calendar and the PDF renderer only if it needs them',
    async (_id, spec) => {
      const inputs = await inputsOf(spec.entry);
      expect(inputs.length).toBeGreaterThan(10);
      const env = spec.env ?? [];
      const carried = HEAVY_PARTS.map(({ part, neededWhen }) => ({
        part,
        carried: inputs.some((input) => input.includes(part)),
        needed: neededWhen.some((group) => env.includes(group)),
      }));
      expect(carried.filter((c) => c.carried && !c.needed).map((c) => c.part)).toEqual([]);
      // The cursor key is read only where the route declares it, so that client must be there.
      const secretsClient = carried.find((c) => c.part.includes('client-secrets-manager'));
      expect(secretsClient?.carried).toBe(secretsClient?.needed);
    },
  );
});

describe('a function that renders documents', () => {
  it('carries the document font beside its code, where the renderer reads it', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'rectify-bundle-'));
    try {
      const commands = DOCUMENT_BUNDLING.commandHooks?.afterBundling(PROJECT_ROOT, out) ?? [];
      execSync(commands.join(' && '), { shell: '/bin/sh' });
      // In the bundle the code is out/index.js: the renderer's __dirname is `out`, not functions/documents.
      const bundled = path.join(out, path.relative(path.join(PROJECT_ROOT, 'functions/documents'), DOCUMENT_FONT_FILE));
      expect(readFileSync(bundled).equals(readFileSync(DOCUMENT_FONT_FILE))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('is exactly the tasks that issue documents', () => {
    expect(MANIFEST.functions.filter((spec) => spec.rendersDocuments).map((spec) => spec.id)).toEqual([
      'IssueNotice',
      'Escalate',
      'DecideEnforcement',
    ]);
  });
});
