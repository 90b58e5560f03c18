import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JWK, KeyLike } from 'jose';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import * as z from 'zod';
import type { Role } from '#domain/vocabulary';
import { emptyRecord } from '#shared/own';
import type { CursorKeySource } from '#app/cursor-seal';
import { cursorKeyFromText } from '#app/cursor-seal';

/**
 * Local sign-in: the laptop's stand-in for Cognito. Tokens carry the claims Cognito puts in an ID token
 * (`sub`, `cognito:groups`, `token_use`), signed with a key pair generated once and kept under
 * `DATA_DIR`, so `npm run token` and the running stack agree without talking to each other.
 */
export const LOCAL_ISSUER = 'urn:rectify:local';
export const LOCAL_AUDIENCE = 'rectify-local';
const ALGORITHM = 'ES256';
const KEY_FILE = path.join('auth', 'local-signing-key.json');

const keyFileSchema = z.object({
  kid: z.string().min(1),
  privateJwk: z.object({ kty: z.string(), crv: z.string(), x: z.string(), y: z.string(), d: z.string() }),
});

interface IssueOptions {
  role: Role;
  /** Every group the token carries; defaults to the role alone. */
  groups?: string[];
  /** Defaults to `local-<role>`. */
  sub?: string;
  /** Defaults to 12 hours. */
  ttlSeconds?: number;
  /**
   * The sub-districts the person acts in (the `custom:subdistricts` attribute). Without it the token
   * carries the `city` group: the whole city, as the demo's single office.
   */
  subdistricts?: string[];
}

export interface LocalAuth {
  issue(options: IssueOptions): Promise<string>;
  /**
   * Verifies a bearer token and returns its claims as API Gateway's Cognito authorizer passes them to
   * a Lambda: every value a string, `cognito:groups` comma-separated.
   */
  verify(token: string): Promise<Record<string, string>>;
}

async function createKeyFile(file: string): Promise<void> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = `local-${Date.now().toString(36)}`;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // `wx`: when two processes start on a fresh data folder at once, the first key written wins.
    writeFileSync(file, JSON.stringify({ kid, privateJwk }, null, 2), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** The API Gateway shape of a claim: strings only, lists joined with commas. */
function asGatewayClaim(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

export async function localAuth(dataDir: string): Promise<LocalAuth> {
  const file = path.join(dataDir, KEY_FILE);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    await createKeyFile(file);
    raw = readFileSync(file, 'utf8');
  }
  const { kid, privateJwk } = keyFileSchema.parse(JSON.parse(raw));
  const { d: _secret, ...publicJwk } = privateJwk;
  const privateKey = (await importJWK(privateJwk satisfies JWK, ALGORITHM)) as KeyLike;
  const publicKey = (await importJWK(publicJwk satisfies JWK, ALGORITHM)) as KeyLike;

  return {
    async issue({ role, sub, groups, ttlSeconds = 12 * 60 * 60, subdistricts }) {
      const subject = sub ?? `local-${role}`;
      const scope = subdistricts ? { 'custom:subdistricts': JSON.stringify(subdistricts) } : {};
      return new SignJWT({
        'cognito:groups': groups ?? (subdistricts ? [role] : [role, 'city']),
        'cognito:username': subject,
        token_use: 'id',
        ...scope,
      })
        .setProtectedHeader({ alg: ALGORITHM, kid, typ: 'JWT' })
        .setSubject(subject)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey);
    },
    async verify(token) {
      // As Cognito's tokens: signed by this key (named by its kid), with an expiry, an ID token.
      const { payload } = await jwtVerify(
        token,
        (header) => {
          if (header.kid !== kid) throw new Error('the token names another signing key');
          return publicKey;
        },
        {
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          algorithms: [ALGORITHM],
          requiredClaims: ['exp', 'sub', 'token_use'],
        },
      );
      if (payload.token_use !== 'id') throw new Error('the token is not an ID token');
      const claims = emptyRecord<string>();
      for (const [name, value] of Object.entries(payload))
        if (value !== undefined) claims[name] = asGatewayClaim(value);
      return claims;
    },
  };
}

/**
 * The key that seals list cursors (functions/app/cursor-seal.ts), generated once under DATA_DIR beside
 * the signing key, readable by this user only, so cursors outlive a restart of the stack.
 */
export function localCursorKey(dataDir: string): CursorKeySource {
  const file = path.join(dataDir, 'auth', 'cursor-key');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Read at start, so a damaged file stops the stack at once rather than its first page.
  const key = cursorKeyFromText(readFileSync(file, 'utf8'), file);
  return () => Promise.resolve(key);
}
