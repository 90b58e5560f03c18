import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import * as z from 'zod';
import { DIGEST_SIGNING_ALGORITHM } from '#domain/digest';
import { REQUEST_HANDLER } from '#shared/aws-clients';
import { parseEnv } from '#shared/env';
import { SDK_MAX_ATTEMPTS } from '#shared/time-limits';
import type { DigestPublicKey, DigestSigner } from './digest-signer';

const digestKeyEnv = z.object({ DIGEST_KEY_ARN: z.string().startsWith('arn:') });

function kmsClient(): KMSClient {
  return new KMSClient({ maxAttempts: SDK_MAX_ATTEMPTS, requestHandler: REQUEST_HANDLER });
}

/**
 * Signs with the deployment's asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY): the SHA-256 is computed
 * here and only the digest goes to KMS (MessageType DIGEST), so a digest file of any size signs in one call.
 */
export class KmsDigestSigner implements DigestSigner, DigestPublicKey {
  private publicKey?: Promise<string>;

  constructor(
    private readonly kms: KMSClient,
    readonly keyId: string,
  ) {}

  async sign(bytes: Uint8Array): Promise<Uint8Array> {
    const answer = await this.kms.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: createHash('sha256').update(bytes).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: DIGEST_SIGNING_ALGORITHM,
      }),
    );
    if (!answer.Signature) throw new Error(`KMS returned no signature for ${this.keyId}`);
    return answer.Signature;
  }

  /** GetPublicKey answers DER (SPKI); kept per instance, a failed read tried again next time. */
  publicKeyPem(): Promise<string> {
    this.publicKey ??= this.kms
      .send(new GetPublicKeyCommand({ KeyId: this.keyId }))
      .then((answer) => {
        if (!answer.PublicKey) throw new Error(`KMS returned no public key for ${this.keyId}`);
        return createPublicKey({ key: Buffer.from(answer.PublicKey), format: 'der', type: 'spki' })
          .export({ format: 'pem', type: 'spki' })
          .toString();
      })
      .catch((error: unknown) => {
        this.publicKey = undefined;
        throw error;
      });
    return this.publicKey;
  }
}

/** The signer of an entry whose declaration uses the digest key: the key from DIGEST_KEY_ARN. */
export function kmsDigestSignerFromEnv(env: NodeJS.ProcessEnv = process.env): KmsDigestSigner {
  return new KmsDigestSigner(kmsClient(), parseEnv(digestKeyEnv, env).DIGEST_KEY_ARN);
}
