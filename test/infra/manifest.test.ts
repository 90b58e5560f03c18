import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AnyRoute } from '../../functions/api/routes';
import { ROUTES } from '../../functions/api/routes';
import { TASK_FUNCTIONS } from '../../functions/tasks/registry';
import { PROJECT_ROOT } from '../../infra/bundling';
import { substitutionNames } from '../../infra/constructs/case-workflow';
import { MANIFEST } from '../../infra/manifest';
import type { WorkflowAction } from '../../infra/manifest-types';
import { ENTRY_FILES, ENTRY_FOLDERS, workflowActionsOf } from '../../infra/manifest-types';

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

  it('exports a handler from every listed entry', () => {
    for (const spec of MANIFEST.functions) {
      const source = readFileSync(path.join(PROJECT_ROOT, spec.entry), 'utf8');
      expect({ entry: spec.entry, exportsHandler: HANDLER_EXPORT.test(source) }).toEqual({
        entry: spec.entry,
        exportsHandler: true,
      });
    }
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

describe('the function manifest beside the workflow task registry', () => {
  const tasks = MANIFEST.functions.filter((spec) => spec.kind === 'task');

  it('has one task function per registry entry, by the same substitution and entry file', () => {
    expect(tasks.map((spec) => [spec.substitution, spec.entry]).sort()).toEqual(
      Object.entries(TASK_FUNCTIONS)
        .map(([substitution, task]) => [substitution, task.entry])
        .sort(),
    );
  });

  it('grants each task exactly the extra permissions the registry says it uses', () => {
    const granted = (spec: (typeof tasks)[number]) =>
      [
        ...(spec.sendsMail ? ['send-mail'] : []),
        ...workflowActionsOf(spec).map(
          (action) =>
            ({ StartExecution: 'start-execution', SendTaskSuccess: 'send-task-success' })[
              action as 'StartExecution' | 'SendTaskSuccess'
            ],
        ),
      ].sort();
    for (const spec of tasks) {
      const registered = TASK_FUNCTIONS[spec.substitution as keyof typeof TASK_FUNCTIONS];
      expect({ task: spec.id, permissions: granted(spec) }).toEqual({
        task: spec.id,
        permissions: [...registered.permissions].sort(),
      });
    }
  });

  it('fills every substitution of the workflow file', () => {
    const definition = readFileSync(path.join(PROJECT_ROOT, MANIFEST.workflow.definition), 'utf8');
    expect(tasks.map((spec) => spec.substitution).sort()).toEqual(substitutionNames(definition));
  });
});

describe('the function manifest beside the API route table', () => {
  const apiFunctions = MANIFEST.functions.filter((spec) => spec.kind === 'api');
  const routes = ROUTES as readonly AnyRoute[];

  it('serves every route of the table from its handler file, and no other', () => {
    const declared = apiFunctions
      .flatMap((spec) => spec.routes.map((route) => `${route.method} ${route.path} ${spec.entry}`))
      .sort();
    expect(declared).toEqual(
      routes
        .map((route) => `${route.method.toUpperCase()} ${route.path} functions/api/handlers/${route.entry}.ts`)
        .sort(),
    );
  });

  it('makes public exactly the public routes, lets only writing routes write and only mailing routes mail', () => {
    for (const route of routes) {
      const spec = apiFunctions.find((s) => s.entry === `functions/api/handlers/${route.entry}.ts`);
      const declared = spec?.routes.find((r) => r.path === route.path);
      const writes = !route.access.public && route.access.writes;
      expect({
        route: route.operationId,
        public: Boolean(declared?.public),
        writesTable: spec?.table === 'read-write',
        sendsMail: Boolean(spec?.sendsMail),
      }).toEqual({
        route: route.operationId,
        public: Boolean(route.access.public),
        writesTable: writes,
        sendsMail: route.sendsMail === true,
      });
    }
  });

  it('requires at the gateway exactly the headers the route requires', () => {
    for (const route of routes) {
      const shape =
        (route.headers as unknown as { shape?: Record<string, { safeParse(value: unknown): { success: boolean } }> })
          .shape ?? {};
      const required = Object.entries(shape)
        .filter(([, schema]) => !schema.safeParse(undefined).success)
        .map(([name]) => name);
      const declared = apiFunctions
        .flatMap((spec) => spec.routes)
        .find((r) => r.path === route.path && r.method === route.method.toUpperCase());
      expect({ route: route.operationId, headers: [...(declared?.requiredHeaders ?? [])].sort() }).toEqual({
        route: route.operationId,
        headers: required.sort(),
      });
    }
  });
});
