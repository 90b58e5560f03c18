/**
 * The digest signing port: in AWS an asymmetric KMS key whose private half never leaves KMS
 * (kms-digest-signer.ts), on a laptop a key pair under DATA_DIR (functions/local/local-digest-signer.ts).
 * Both sign ECDSA P-256 over SHA-256, so one verifier, holding the public key alone, checks either.
 */
export interface DigestSigner {
  /** Names the key in what it signs (the KMS key's ARN, or the local key's fingerprint). */
  readonly keyId: string;
  /** A DER-encoded ECDSA signature over the SHA-256 of `bytes`. */
  sign(bytes: Uint8Array): Promise<Uint8Array>;
}

/** Where verifiers get the public key from (the signer's own, or a copy an auditor was handed). */
export interface DigestPublicKey {
  /** The public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
  publicKeyPem(): Promise<string>;
}
