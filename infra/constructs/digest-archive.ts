import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DIGEST_PREFIX } from '#domain/digest';
import type { DigestAccess } from '#shared/lambda-needs';

/**
 * What each level of digest access may do. `sign`: the digest writer reads the chain's end and writes
 * the next digest, signed with the key (kms:Sign — nothing else signs). `verify`: reads the digests and
 * the key's public half; a verifier checks the signatures itself, with the public key alone.
 */
const DIGEST_ACTIONS: Record<DigestAccess, { objects: readonly string[]; key: readonly string[] }> = {
  sign: { objects: ['s3:GetObject', 's3:PutObject'], key: ['kms:Sign'] },
  verify: { objects: ['s3:GetObject'], key: ['kms:GetPublicKey'] },
};

export interface DigestArchiveProps {
  /** Object Lock's default retention, COMPLIANCE mode. */
  retentionDays: number;
  /** Where the server access logs go (the evidence bucket's log bucket). */
  accessLogs: IBucket;
}

/**
 * The history's outside anchor: a bucket of its own for the signed digests, and the asymmetric KMS key
 * that signs them (ECC_NIST_P256, SIGN_VERIFY; its private half never leaves KMS). COMPLIANCE mode, not
 * the evidence bucket's GOVERNANCE: a digest exists to outlast whoever could rewrite the table, operators
 * and administrators included, and no one — not the account's root — can shorten a COMPLIANCE retention
 * or delete a locked version before it ends. A bucket apart keeps that mode off the evidence and the
 * digests off every role that handles evidence (docs/digests.md).
 */
export class DigestArchive extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: DigestArchiveProps) {
    super(scope, id);
    this.key = new Key(this, 'SigningKey', {
      description: 'Rectify: signs the daily digests of the case chain heads (ECDSA P-256 over SHA-256)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // Digests signed years ago must still verify: the key outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Digests', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'digests/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * A function's access at its level: the digests (and ListBucket, which finds the chain's end and lets
   * a missing key answer 404), and the key's action.
   */
  grant(grantee: IGrantable, access: DigestAccess): void {
    const { objects, key } = DIGEST_ACTIONS[access];
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...objects], resources: [this.bucket.arnForObjects(`${DIGEST_PREFIX}*`)] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...key], resources: [this.key.keyArn] }),
    );
  }
}
