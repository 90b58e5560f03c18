import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../infra/bundling';
import { MANIFEST } from '../../infra/manifest';
import type { EnvGroup } from '../../infra/manifest-types';
import { workflowActionsOf } from '../../infra/manifest-types';

/**
 * Each Lambda entry names the ports it builds at cold start (functions/api/lambda.ts, functions/tasks/
 * deps-from-env.ts), and only those end up in its bundle. Its manifest entry must give it exactly the
 * configuration and permissions those ports read: a port without its variables would fail the cold
 * start — or, for the policy and calendar, which have defaults, silently use the statutory ones.
 */
function portsOf(entry: string): { engine: boolean; deadlines: boolean; mailer: boolean } {
  const source = readFileSync(path.join(PROJECT_ROOT, entry), 'utf8');
  return {
    engine: /\bworkflowEngineFromEnv\b/.test(source),
    // Every task builds the policy and calendar (taskDepsWith); an API entry only when it names the port.
    deadlines: entry.startsWith('functions/tasks/') || /\bdeadlinesFromEnv\b/.test(source),
    mailer: /\bmailerFromEnv\b/.test(source),
  };
}

const has = (env: readonly EnvGroup[] | undefined, group: EnvGroup) => (env ?? []).includes(group);

describe('each API and task entry beside its manifest entry', () => {
  const specs = MANIFEST.functions.filter((spec) => spec.kind !== 'mail');

  it.each(specs.map((spec) => [spec.id, spec] as const))(
    '%s: gets the configuration and permissions of exactly the ports it builds',
    (_id, spec) => {
      const ports = portsOf(spec.entry);
      expect({
        engine: ports.engine,
        deadlines: ports.deadlines,
        mailer: ports.mailer,
      }).toEqual({
        engine: has(spec.env, 'stateMachine') && workflowActionsOf(spec).length > 0,
        deadlines: has(spec.env, 'deadlines'),
        mailer: has(spec.env, 'mail') && has(spec.env, 'links') && spec.sendsMail === true,
      });
      // And nothing it would not read.
      expect({ stateMachine: has(spec.env, 'stateMachine'), mail: has(spec.env, 'mail') }).toEqual({
        stateMachine: ports.engine,
        mail: ports.mailer,
      });
    },
  );
});
