import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Mode of every file the local stack writes under DATA_DIR: personal data and keys, this user's alone. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of DATA_DIR and every folder in it. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates DATA_DIR readable by this user only, and tightens one that an older version of the stack left
 * readable to others: every folder in it 0700, every file 0600 (symbolic links are left alone).
 */
export function preparePrivateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dataDir, PRIVATE_DIR_MODE);
  for (const name of readdirSync(dataDir, { recursive: true })) {
    const entry = path.join(dataDir, String(name));
    const stats = lstatSync(entry, { throwIfNoEntry: false });
    if (!stats || stats.isSymbolicLink()) continue;
    const wanted = stats.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    if ((stats.mode & 0o777) !== wanted) chmodSync(entry, wanted);
  }
}
