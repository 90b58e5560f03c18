import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DigestPublicKey, DigestSigner } from '#digests/digest-signer';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './data-dir';

/** The local digest key under DATA_DIR: a P-256 private key (PKCS#8 PEM), this user's alone. */
export const DIGEST_KEY_FILE = 'digest-signing-key.pem';

function createKeyFile(file: string): void {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    // `wx`: when two processes start on a fresh data folder at once, the first key written wins.
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { flag: 'wx', mode: PRIVATE_FILE_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * The laptop's stand-in for the KMS key: the same curve and algorithm (ECDSA P-256 over SHA-256), the
 * private key created on first start under DATA_DIR (0600) and kept across restarts, so digests written
 * before a restart still verify after it.
 */
export function localDigestSigner(dataDir: string): DigestSigner & DigestPublicKey {
  const file = path.join(dataDir, DIGEST_KEY_FILE);
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    createKeyFile(file);
    pem = readFileSync(file, 'utf8');
  }
  const privateKey = createPrivateKey(pem);
  const publicKeyPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
  const fingerprint = createHash('sha256')
    .update(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }))
    .digest('hex');
  return {
    keyId: `local:${fingerprint.slice(0, 16)}`,
    sign: async (bytes) => sign('sha256', bytes, privateKey),
    publicKeyPem: async () => publicKeyPem,
  };
}
