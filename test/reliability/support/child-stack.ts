import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
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
 * `npm start`'s command (package.json `scripts.start`) as a process of its own, in its own process group
 * as a terminal would run it. Its DynamoDB Local runs in a group of its own (so a Ctrl-C reaches only the
 * stack, which stops the database last): killing "the whole stack" is the group and that Java.
 */
export interface ChildStack {
  apiUrl: string;
  /** The local SES (its mailbox as JSON at `/store`). */
  mailEndpoint: string;
  process: ChildProcess;
  output(): string;
  /** SIGKILL to the whole process group and its DynamoDB Local at once: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGINT to the process group, as Ctrl-C in the terminal: the clean stop. */
  stop(): Promise<void>;
  /**
   * Ctrl-C on a machine too busy to run the stack for a while: the process that runs the stack is
   * suspended (SIGSTOP) when the terminal's SIGINT reaches the group, and runs again `busyMs` later.
   */
  stopWhileBusy(busyMs: number): Promise<void>;
  /** The legal time the stack last saved (every 2 s): never ahead of its clock. */
  savedLegalTime(): Date;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Process ids of the DynamoDB Local JVMs running on a data folder. */
export function dynamoDbLocalsOn(folder: string): number[] {
  const lines = execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(folder))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/** Where the stack's DynamoDB Local notes its process id while it runs. */
export function dynamoDbPidFile(dataDir: string): string {
  return path.join(dataDir, 'dynamodb', 'dynamodb-local.pid');
}

/** The process of a group that runs the stack: the innermost one running scripts/start.ts (a wrapper such as a CLI that relays signals runs it as its child). */
function stackProcessIn(group: number): number {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => Number(fields[2]) === group && fields.slice(3).join(' ').includes('scripts/start.ts'))
    .map(([pid, ppid]) => ({ pid: Number(pid), ppid: Number(ppid) }));
  const innermost = rows.filter((row) => !rows.some((other) => other.ppid === row.pid));
  if (innermost.length !== 1) throw new Error(`expected one process running the stack, found ${JSON.stringify(rows)}`);
  return (innermost[0] as { pid: number }).pid;
}

/** What `npm start` runs, without npm's install check: the command of package.json's `start` script. */
function startCommand(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/);
}

export async function startChildStack(options: ChildStackOptions, timeoutMs = 90_000): Promise<ChildStack> {
  let output = '';
  const [command, ...args] = startCommand() as [string, ...string[]];
  const child = spawn(command === 'node' ? process.execPath : command, args, {
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
  const killAll = () => {
    const javas = dynamoDbLocalsOn(options.dataDir);
    killGroup('SIGKILL');
    for (const pid of javas)
      try {
        process.kill(pid, 'SIGKILL');
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
      killAll();
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
      killAll();
      await exited(child);
      for (const until = Date.now() + 10_000; dynamoDbLocalsOn(options.dataDir).length && Date.now() < until;)
        await sleep(50);
    },
    async stop() {
      killGroup('SIGINT');
      await exited(child);
    },
    async stopWhileBusy(busyMs) {
      const runner = stackProcessIn(child.pid as number);
      process.kill(runner, 'SIGSTOP');
      try {
        killGroup('SIGINT');
        await sleep(busyMs);
      } finally {
        try {
          process.kill(runner, 'SIGCONT');
        } catch {
          // Killed meanwhile.
        }
      }
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
