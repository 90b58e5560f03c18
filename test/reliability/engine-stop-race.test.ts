import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/**
 * A person's step that is being opened when an officer dismisses the case: the engine ends the waiting
 * step at once. Under load this is common (a 1,000-case run hits it); it must never become an unhandled
 * rejection, which ends the Node process and the whole local stack with it. Jest forgives a rejection
 * that is handled later, so the scenario runs in a process of its own, with Node's default behaviour.
 */
describe('stopping an execution while its callback step is being opened', () => {
  it('ends the run as aborted and the process lives on', async () => {
    const { stdout } = await run(path.join(root, 'node_modules/.bin/tsx'), [path.join(__dirname, 'fixtures/stop-while-opening.ts')], {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim())).toEqual({ status: 'ABORTED', caseStatus: 'DISMISSED' });
  }, 90_000);
});
