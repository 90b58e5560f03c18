import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AnyRoute } from '#api/routes/index';
import { ROUTES } from '#api/routes/index';
import { TASKS, taskEntry } from '#tasks/declarations';
import { PROJECT_ROOT } from '#infra/bundling';
import { substitutionNames } from '#infra/constructs/case-workflow';
import { MANIFEST } from '#infra/manifest';
import type { WorkflowAction } from '#infra/manifest-types';
import { ENTRY_FILES, ENTRY_FOLDERS, workflowActionsOf } from '#infra/manifest-types';

const HANDLER_EXPORT = /export\s+(const|async function|function)\s+handler\b/;

/** Every Lambda entry file in the project: the files in the entry folders (and the named ones) that export `handler`. */
function entriesOnDisk(): string[] {
  const inFolders = ENTRY_FOLDERS.flatMap((folder) => {
    const absolute = path.join(PROJECT_ROOT, folder);
    if (!existsSync(absolute)) return [];
    return readdirSync(absolute)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
      .map((name) => `${folder}/${name}`);
  });
  return [...inFolders, ...ENTRY_FILES]
    .filter(
      (file) =>
        existsSync(path.join(PROJECT_ROOT, file)) &&
        HANDLER_EXPORT.test(readFileSync(path.join(PROJECT_ROOT, file), 'utf8')),
    )
    .sort();
}

describe('the function manifest', () => {
  it('lists every entry file on disk, and only files that exist', () => {
    expect(MANIFEST.functions.map((spec) => spec.entry).sort()).toEqual(entriesOnDisk());
  });

  it('names each function, entry, route and workflow substitution once', () => {
    const once = (values: string[]) => values.filter((value, index) => values.indexOf(value) !== index);
    expect(once(MANIFEST.functions.map((spec) => spec.id))).toEqual([]);
    expect(once(MANIFEST.functions.map((spec) => spec.entry))).toEqual([]);
    expect(
      once(
        MANIFEST.functions.flatMap((spec) =>
          spec.kind === 'api' ? spec.routes.map((r) => `${r.method} ${r.path}`) : [],
        ),
      ),
    ).toEqual([]);
    expect(once(MANIFEST.functions.flatMap((spec) => (spec.kind === 'task' ? [spec.substitution] : [])))).toEqual([]);
    for (const spec of MANIFEST.functions) expect(spec.id).toMatch(/^[A-Z][A-Za-z0-9]+$/);
  });

  it('keeps functions that only serve reads (every GET route) read-only: no table writes, no workflow, no mail', () => {
    for (const spec of MANIFEST.functions) {
      if (spec.kind !== 'api' || !spec.routes.every((route) => route.method === 'GET')) continue;
      expect({
        id: spec.id,
        writesTable: spec.table === 'read-write',
        workflow: workflowActionsOf(spec),
        mail: Boolean(spec.sendsMail),
      }).toEqual({
        id: spec.id,
        writesTable: false,
        workflow: [],
        mail: false,
      });
    }
  });

  it('leaves failing callbacks and stopping executions to the API: tasks may only start a phase or answer their own token', () => {
    for (const spec of MANIFEST.functions) {
      if (spec.kind === 'api') continue;
      // The scheduled intake check looks an execution up before starting it; it answers and stops nothing.
      const allowed: WorkflowAction[] =
        spec.kind === 'scheduled' ? ['StartExecution', 'DescribeExecution'] : ['StartExecution', 'SendTaskSuccess'];
      expect({ id: spec.id, workflow: workflowActionsOf(spec).filter((action) => !allowed.includes(action)) }).toEqual({
        id: spec.id,
        workflow: [],
      });
    }
  });
});

describe('the function manifest beside the workflow', () => {
  const tasks = MANIFEST.functions.filter((spec) => spec.kind === 'task');

  it('has one task function per declared task, each from its own entry file', () => {
    expect(tasks.map((spec) => [spec.substitution, spec.entry]).sort()).toEqual(
      Object.keys(TASKS)
        .map((key) => [key, taskEntry(key)])
        .sort(),
    );
  });

  it('fills every substitution of the workflow file', () => {
    const definition = readFileSync(path.join(PROJECT_ROOT, MANIFEST.workflow.definition), 'utf8');
    expect(tasks.map((spec) => spec.substitution).sort()).toEqual(substitutionNames(definition));
  });
});

describe('the function manifest beside the API route table', () => {
  it('serves every route of the table from its own handler file, public exactly where the route is', () => {
    const declared = MANIFEST.functions
      .flatMap((spec) =>
        spec.kind === 'api'
          ? spec.routes.map((route) => `${route.method} ${route.path} ${spec.entry}${route.public ? ' public' : ''}`)
          : [],
      )
      .sort();
    expect(declared).toEqual(
      (ROUTES as readonly AnyRoute[])
        .map(
          (route) =>
            `${route.method.toUpperCase()} ${route.path} functions/api/handlers/${route.entry}.ts${route.access.public ? ' public' : ''}`,
        )
        .sort(),
    );
  });

  it('requires at the gateway the Idempotency-Key of POST /cases, and no header anywhere else', () => {
    const required = MANIFEST.functions.flatMap((spec) =>
      spec.kind === 'api'
        ? spec.routes.flatMap((r) => (r.requiredHeaders ?? []).map((h) => `${r.method} ${r.path} ${h}`))
        : [],
    );
    expect(required).toEqual(['POST /cases Idempotency-Key']);
  });
});
