import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { BUNDLING, PROJECT_ROOT } from '#infra/bundling';
import { ROLES } from '#domain/vocabulary';

/**
 * The `#…` import aliases are declared twice — package.json `imports` for Node, tsx, Jest, esbuild and
 * Vite; tsconfig.json `paths` for the type checker, which reads `imports` only under module resolutions
 * this CommonJS project does not use — so the two must say the same thing, and every tool must resolve them.
 */
const packageImports = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    imports: Record<string, string>;
  }
).imports;
const tsconfigPaths = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  }
).compilerOptions.paths;

describe('the #… import aliases', () => {
  it('are the same in package.json imports and tsconfig.json paths', () => {
    const asPaths = Object.fromEntries(
      Object.entries(packageImports).map(([alias, target]) => [alias, [target.replace(/\.ts$/, '')]]),
    );
    expect(tsconfigPaths).toEqual(asPaths);
  });

  it('name folders that exist, each under functions/, infra/, workflows/ or test/', () => {
    for (const [alias, target] of Object.entries(packageImports)) {
      expect(alias).toMatch(/^#[a-z]+\/\*$/);
      expect(target).toMatch(/^\.\/(functions\/[a-z]+|infra|workflows|test)\/\*(\.ts)?$/);
    }
  });

  it('resolve under Jest and the type checker (this file imports through them)', () => {
    expect(ROLES).toContain('officer');
    expect(BUNDLING.format).toBe('cjs');
  });

  it('resolve under tsx, which runs the local stack, the CLI and the scripts', () => {
    const output = execFileSync(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(__dirname, 'fixtures', 'alias-probe.ts')],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    expect(output.trim()).toBe(ROLES.join(','));
  });

  it('resolve under esbuild with the Lambda bundling options, as CDK bundles each function', () => {
    const result = buildSync({
      entryPoints: [path.join(__dirname, 'fixtures', 'alias-probe.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: BUNDLING.target,
      mainFields: BUNDLING.mainFields,
      logLevel: 'silent',
    });
    const output = execFileSync(process.execPath, ['-'], { input: result.outputFiles[0]!.text, encoding: 'utf8' });
    expect(output.trim()).toBe(ROLES.join(','));
  });
});
