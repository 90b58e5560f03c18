import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/**
 * The local engine inside one Node process must survive the races a busy stack meets. Jest forgives a
 * rejection that is handled later, so each scenario runs in a process of its own, with Node's default
 * behaviour: an unhandled rejection ends the process (and with it the whole local stack).
 */
async function scenario(name: string): Promise<unknown> {
  const { stdout } = await run(
    path.join(root, 'node_modules/.bin/tsx'),
    [path.join(__dirname, 'fixtures/engine-scenarios.ts'), name],
    {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 60_000,
    },
  );
  return JSON.parse(stdout.trim());
}

describe('the local engine under races that end a process', () => {
  it('stops an execution whose callback step is still being opened: aborted, and the process lives on', async () => {
    expect(await scenario('stop-while-opening')).toEqual({ status: 'ABORTED', caseStatus: 'DISMISSED' });
  }, 90_000);

  it('keeps an execution open when its end cannot be recorded, and the next resume ends it cleanly, the case closed once', async () => {
    expect(await scenario('end-unrecorded')).toEqual({
      first: 'SUCCEEDED',
      resumed: true,
      again: 'SUCCEEDED',
      recorded: 'SUCCEEDED',
      closedEvents: 1,
    });
  }, 90_000);
});
