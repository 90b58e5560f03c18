import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** Builds the web console (console/ → console/dist) with Vite, unless its sources are unchanged. */
const root = path.resolve(__dirname, '..');
export const CONSOLE_SOURCE_DIR = path.join(root, 'console');
export const CONSOLE_DIST_DIR = path.join(CONSOLE_SOURCE_DIR, 'dist');
const STAMP = path.join(CONSOLE_DIST_DIR, '.sources.sha256');

/** Everything the build reads: the console's sources, the domain modules it imports, the lockfile. */
function sourceFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(full) : [full];
    });
  return [
    path.join(CONSOLE_SOURCE_DIR, 'index.html'),
    path.join(CONSOLE_SOURCE_DIR, 'vite.config.mts'),
    ...walk(path.join(CONSOLE_SOURCE_DIR, 'src')),
    ...walk(path.join(root, 'functions', 'domain')),
    path.join(root, 'package-lock.json'),
    __filename,
  ].sort();
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles())
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/**
 * Builds the console with Vite's own command and console/vite.config.mts, in a child process so any caller
 * can (Jest cannot load Vite's ES modules).
 */
export async function buildConsole(): Promise<void> {
  const config = path.join(CONSOLE_SOURCE_DIR, 'vite.config.mts');
  await promisify(execFile)(path.join(root, 'node_modules', '.bin', 'vite'), ['build', '--config', config], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** Builds when the sources changed since the last build; returns the folder to serve. */
export async function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<string> {
  const hash = sourcesHash();
  const built =
    existsSync(STAMP) &&
    statSync(path.join(CONSOLE_DIST_DIR, 'index.html'), { throwIfNoEntry: false }) &&
    readFileSync(STAMP, 'utf8') === hash;
  if (!built) {
    log('Building the web console…');
    await buildConsole();
    writeFileSync(STAMP, hash);
  }
  return CONSOLE_DIST_DIR;
}

if (require.main === module) {
  ensureConsoleBuilt(console.log)
    .then((dir) => console.log(`Console ready in ${path.relative(process.cwd(), dir)}`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
