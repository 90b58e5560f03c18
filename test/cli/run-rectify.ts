import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.join(__dirname, '../../bin/rectify.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `rectify` command as a user would (`bin/rectify.js`), with only the given Rectify variables set. */
export async function runRectify(
  env: { RECTIFY_API_URL?: string; RECTIFY_TOKEN?: string },
  args: string[],
): Promise<CliRun> {
  const { RECTIFY_API_URL: _url, RECTIFY_TOKEN: _token, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...inherited, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The cells of one line of a printed table (columns are separated by two or more spaces). */
export function cellsOf(line: string): string[] {
  return line.trim().split(/\s{2,}/);
}
