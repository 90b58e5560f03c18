import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = path.resolve(__dirname, '../../..');

export interface ChildStackOptions {
  dataDir: string;
  port: number;
  mailPort: number;
  clockFactor: number;
}

/**
 * `npm start`'s entry (scripts/start.ts) as a process of its own, in its own process group with the
 * DynamoDB Local it starts, so the test can kill the whole of it at once as a power cut would.
 */
export interface ChildStack {
  apiUrl: string;
  /** The local SES (its mailbox as JSON at `/store`). */
  mailEndpoint: string;
  process: ChildProcess;
  output(): string;
  /** SIGKILL to the whole process group: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGINT, as Ctrl-C: the clean stop. */
  stop(): Promise<void>;
  /** The legal time the stack last saved (every 2 s): never ahead of its clock. */
  savedLegalTime(): Date;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startChildStack(options: ChildStackOptions, timeoutMs = 90_000): Promise<ChildStack> {
  let output = '';
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/start.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(options.port),
      MAIL_PORT: String(options.mailPort),
      DATA_DIR: options.dataDir,
      CLOCK_FACTOR: String(options.clockFactor),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const apiUrl = `http://127.0.0.1:${options.port}`;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // Already gone.
    }
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the stack exited while starting:\n${output}`);
    // Ready once it has printed its URLs (after resuming open executions) and answers health.
    if (output.includes('Rectify is running')) {
      const health = await fetch(`${apiUrl}/health`).catch(() => undefined);
      if (health?.status === 200) break;
    }
    if (Date.now() > deadline) {
      killGroup('SIGKILL');
      throw new Error(`the stack did not start within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(200);
  }
  return {
    apiUrl,
    mailEndpoint: `http://127.0.0.1:${options.mailPort}`,
    process: child,
    output: () => output,
    async kill() {
      killGroup('SIGKILL');
      await exited(child);
    },
    async stop() {
      // To the stack alone (tsx passes it on): the stack stops its own DynamoDB Local.
      child.kill('SIGINT');
      await exited(child);
    },
    savedLegalTime() {
      try {
        return new Date(
          (JSON.parse(readFileSync(path.join(options.dataDir, 'clock.json'), 'utf8')) as { legalMs: number }).legalMs,
        );
      } catch {
        // Not saved yet: legal time started from the wall clock and has only run ahead of it since.
        return new Date();
      }
    },
  };
}
