import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '#domain/chain';
import { InvalidCursorError } from '#store/errors';

/**
 * Cursors handed to clients: the position in a query, encrypted and authenticated (AES-256-GCM) with a
 * key only the service holds, and bound to the query and the caller it was issued for. A client can
 * neither read one (no case ids, report times or deadlines of cases it may not see) nor forge, alter
 * or replay one against another list or as another person.
 */
export interface CursorSealer {
  seal(binding: unknown, position: unknown): Promise<string>;
  /** The position, or undefined for no cursor; InvalidCursorError when it is not one issued for `binding`. */
  open(binding: unknown, cursor: string | undefined): Promise<unknown>;
}

/**
 * Where the 32-byte key comes from, asked each time a cursor is sealed or opened (and not for a request
 * without one): a file read once locally, a secret read once per Lambda instance in AWS.
 */
export type CursorKeySource = () => Promise<Uint8Array>;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function cursorSealer(keySource: CursorKeySource): CursorSealer {
  const aad = (binding: unknown) => createHash('sha256').update(canonicalJson(binding)).digest();
  async function keyOf(): Promise<Uint8Array> {
    const key = await keySource();
    if (key.length !== 32) throw new RangeError('the cursor key must be 32 bytes');
    return key;
  }
  return {
    async seal(binding, position) {
      const key = await keyOf();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(binding));
      const body = Buffer.concat([cipher.update(JSON.stringify(position), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    async open(binding, cursor) {
      if (cursor === undefined || cursor === '') return undefined;
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES || raw.toString('base64url') !== cursor)
        throw new InvalidCursorError('cursor is not valid');
      const key = await keyOf();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(aad(binding));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
          'utf8',
        );
        return JSON.parse(text) as unknown;
      } catch {
        throw new InvalidCursorError(
          'cursor was not issued for this list and caller; repeat the same filters it came with, or start again without it',
        );
      }
    },
  };
}

/**
 * The key from a secret's text: at least 32 characters (e.g. `openssl rand -base64 32`, or the stack's
 * generated secret), hashed to the 32-byte key. `name` says where the text came from.
 */
export function cursorKeyFromText(text: string, name: string): Uint8Array {
  const secret = text.trim();
  if (secret.length < 32)
    throw new Error(`${name} must hold a secret of at least 32 characters (openssl rand -base64 32)`);
  return createHash('sha256').update(`rectify cursor key\n${secret}`).digest();
}

let processKey: Uint8Array | undefined;
/**
 * A key for a process that was given none (tests, benchmarks): its cursors stop working when it
 * restarts, which a cursor may do anyway. The local stack keeps its key under DATA_DIR; the paging
 * functions in AWS read the deployment's secret.
 */
export const processCursorKey: CursorKeySource = () => {
  processKey ??= randomBytes(32);
  return Promise.resolve(processKey);
};
