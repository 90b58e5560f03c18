import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { freePort } from '#local/dynamodb-local';
import { localAuth } from '#local/local-auth';
import { client } from '../api/support/harness';
import { seedSubmission } from '../fixtures/submissions';
import type { ChildStack } from './support/child-stack';
import { dynamoDbLocalsOn, dynamoDbPidFile, startChildStack } from './support/child-stack';

/**
 * Ctrl-C in the terminal (SIGINT to the whole process group of `npm start`'s command) while reporters
 * submit cases, on a machine too busy to run the stack for a moment when the signal arrives (its process
 * is suspended for BUSY_MS; a wrapper that force-kills a child slow to acknowledge a signal, or a database
 * that takes the terminal's SIGINT itself, turns that into a crash): every time, the stack stops in order, says "Stopped.", exits 0, leaves no DynamoDB Local
 * running and no pid file behind — not a crash that the next start has to clean up.
 */
const ROUNDS = 4;
const SUBMITTERS = 4;
const BUSY_MS = 300;

let dataDir: string;
let stack: ChildStack | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-ctrl-c-'));
});
afterAll(async () => {
  await stack?.kill();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('Ctrl-C on the local stack under load', () => {
  it(`stops cleanly ${ROUNDS} times in a row`, async () => {
    const ports = { port: await freePort(), mailPort: await freePort() };
    const auth = await localAuth(dataDir);
    for (let round = 1; round <= ROUNDS; round += 1) {
      stack = await startChildStack({ dataDir, clockFactor: 17_280, ...ports });
      const running = stack;
      const reporter = client(running.apiUrl, await auth.issue({ role: 'reporter', sub: `reporter-ctrl-c` }));
      let accepted = 0;
      let submitting = true;
      const submitters = Array.from({ length: SUBMITTERS }, async () => {
        while (submitting) {
          const answer = await reporter
            .post('/cases', seedSubmission({ discoveredOn: shanghaiDateOf(running.savedLegalTime()) }), {
              'idempotency-key': randomUUID(),
            })
            .catch(() => undefined);
          if (answer?.status === 201) accepted += 1;
          if (!answer) return;
        }
      });
      // Ctrl-C once submissions are flowing.
      for (const until = Date.now() + 30_000; accepted < SUBMITTERS && Date.now() < until;)
        await new Promise((r) => setTimeout(r, 20));
      expect(accepted).toBeGreaterThanOrEqual(SUBMITTERS);
      await running.stopWhileBusy(BUSY_MS);
      submitting = false;
      await Promise.all(submitters);

      expect({ round, code: running.process.exitCode, signal: running.process.signalCode }).toEqual({
        round,
        code: 0,
        signal: null,
      });
      expect(running.output()).toMatch(/SIGINT: stopping the API/);
      expect(running.output()).toMatch(/^Stopped\. Every case is kept in /m);
      expect(dynamoDbLocalsOn(dataDir)).toEqual([]);
      expect(existsSync(dynamoDbPidFile(dataDir))).toBe(false);
      stack = undefined;
    }
  }, 400_000);
});
