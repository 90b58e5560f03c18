import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { CursorKeySource } from '#app/cursor-seal';
import { cursorKeyFromText } from '#app/cursor-seal';
import { callDependency } from '#app/dependency-errors';
import { REQUEST_HANDLER } from '#shared/aws-clients';
import { parseEnv } from '#shared/env';
import { SDK_MAX_ATTEMPTS } from '#shared/time-limits';

const cursorSecretEnv = z.object({
  /** The ARN of the deployment's cursor-key secret (the stack generates it); never the key itself. */
  CURSOR_SECRET_ARN: z.string().regex(/^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:.+$/, 'a secret ARN'),
});

/**
 * The cursor key of a paging function in AWS: the text of the deployment's secret, read from Secrets
 * Manager the first time a cursor is sealed or opened (a request without one, and every other route,
 * never waits for it) and kept for the instance's life, so every instance of every paging function seals
 * and opens with the same key. A failed read is not kept: the next cursor tries again. A missing
 * `CURSOR_SECRET_ARN` fails the cold start with its name; a secret shorter than 32 characters fails the
 * first cursor with the secret's ARN.
 */
export function cursorKeyFromSecretEnv(env: NodeJS.ProcessEnv = process.env): CursorKeySource {
  const { CURSOR_SECRET_ARN: secretArn } = parseEnv(cursorSecretEnv, env);
  const client = new SecretsManagerClient({ maxAttempts: SDK_MAX_ATTEMPTS, requestHandler: REQUEST_HANDLER });
  let key: Promise<Uint8Array> | undefined;

  async function read(): Promise<Uint8Array> {
    const answer = await callDependency('cursor-key', () =>
      client.send(new GetSecretValueCommand({ SecretId: secretArn })),
    );
    return cursorKeyFromText(answer.SecretString ?? '', `the cursor key secret ${secretArn}`);
  }

  return () => {
    key ??= read().catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };
}
