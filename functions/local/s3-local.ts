import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PRIVATE_DIR_MODE } from './data-dir';

/** The local object store: an S3-compatible server (s3rver) on 127.0.0.1 with its files under DATA_DIR. */
export interface LocalS3 {
  /** For AWS_ENDPOINT_URL_S3 (path-style requests). */
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface LocalS3Options {
  /** Folder of the stored objects (0700, its files 0600). */
  directory: string;
  /** Buckets that exist from the start (CORS open to any origin: the console uploads straight to them). */
  buckets: readonly string[];
  /** 127.0.0.1 unless told otherwise: s3rver checks no signature, so it must not be reachable from the network. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Detached from the terminal's process group, so Ctrl-C reaches the stack first and the store stops
   * after the parts that write to it.
   */
  detached?: boolean;
}

const SERVER_SCRIPT = path.join(__dirname, 's3rver-process.cjs');

/** The access keys the local processes sign with: the environment's, and s3rver's own for tools. */
function accessKeyIds(): string[] {
  return [...new Set([process.env.AWS_ACCESS_KEY_ID, 'S3RVER'].filter((key): key is string => Boolean(key)))];
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  mkdirSync(options.directory, { recursive: true, mode: PRIVATE_DIR_MODE });
  const host = options.host ?? '127.0.0.1';
  const settings = JSON.stringify({
    host,
    port: options.port ?? 0,
    directory: options.directory,
    buckets: options.buckets,
    accessKeyIds: accessKeyIds(),
  });
  // umask 077: object files hold photos of people's property and exports with their names.
  const child = spawn('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', process.execPath, SERVER_SCRIPT, settings], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => fail(new Error('the local S3 server did not start within 10 s')), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n')[0];
      if (!output.includes('\n') || line === undefined) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => fail(new Error(`the local S3 server exited (${code}): ${errors.trim()}`)));
  });
  child.removeAllListeners('exit');
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    endpoint: `http://${urlHost}:${port}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
