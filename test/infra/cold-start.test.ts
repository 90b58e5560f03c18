import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { PROJECT_ROOT } from '#infra/bundling';
import { MANIFEST } from '#infra/manifest';
import { offlineEnvironment } from '#infra/offline-environment';
import { synthesize } from './support';

interface LoadResult {
  id: string;
  ok: boolean;
  /** The route (operationId) or task (substitution) the loaded handler was built from. */
  serves?: string;
  error?: string;
}

/** Loads entries in one child process, each with only the given environment, as a Lambda cold start would. */
function loadEntries(entries: { id: string; entry: string; environment: Record<string, string> }[]): LoadResult[] {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rectify-cold-start-'));
  try {
    const plan = path.join(folder, 'plan.json');
    const base = {
      PATH: process.env.PATH ?? '',
      HOME: os.homedir(),
      AWS_REGION: 'ap-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    writeFileSync(plan, JSON.stringify({ root: PROJECT_ROOT, base, entries }));
    const output = execFileSync(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(__dirname, 'fixtures', 'load-entries.ts'), plan],
      {
        env: base,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return JSON.parse(output) as LoadResult[];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('each function’s environment as the stack sets it', () => {
  const { stack, template } = synthesize(MANIFEST);
  const planned = MANIFEST.functions.map((spec) => {
    const handler = stack.functions.get(spec.id);
    if (!handler) throw new Error(`no function ${spec.id}`);
    const logicalId = stack.resolve((handler.function.node.defaultChild as CfnResource).logicalId) as string;
    return { id: spec.id, entry: spec.entry, environment: offlineEnvironment(template.toJSON() as never, logicalId) };
  });

  it('is enough for every entry to load and build its dependencies, and the check notices a missing variable', () => {
    const task = planned.find((p) => p.entry.startsWith('functions/tasks/'));
    if (!task) throw new Error('no task function in the manifest');
    const { TABLE_NAME: _omitted, ...withoutTable } = task.environment;
    const results = loadEntries([
      ...planned,
      { id: `${task.id} without TABLE_NAME`, entry: task.entry, environment: withoutTable },
    ]);
    expect(results.filter((r) => !r.ok && !r.id.endsWith('without TABLE_NAME'))).toEqual([]);
    expect(
      results
        .filter((r) => r.ok)
        .map((r) => r.id)
        .sort(),
    ).toEqual(planned.map((p) => p.id).sort());
    // Each route's and task's entry serves its own declaration, not another's.
    expect(results.filter((r) => r.ok).map((r) => ({ id: r.id, serves: r.serves ?? null }))).toEqual(
      MANIFEST.functions.map((spec) => ({
        id: spec.id,
        serves:
          spec.kind === 'api'
            ? spec.id.charAt(0).toLowerCase() + spec.id.slice(1)
            : spec.kind === 'task'
              ? spec.substitution
              : null,
      })),
    );
    expect(results.find((r) => r.id.endsWith('without TABLE_NAME'))).toEqual({
      id: `${task.id} without TABLE_NAME`,
      ok: false,
      error: expect.stringContaining('TABLE_NAME'),
    });
  });
});
