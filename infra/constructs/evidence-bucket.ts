import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectLockRetention,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CASE_FILES_ROOT, CLOSED_CASE_FILES_TAG } from '#domain/case-files';
import type { ObjectAccess } from '#shared/lambda-needs';

/** Where each kind of object lives in the bucket (functions/objects writes under these prefixes). */
const OBJECT_PREFIXES = { cases: CASE_FILES_ROOT, exports: 'exports/' } as const;

/**
 * A closed case's files are rarely read again: they move to Glacier Instant Retrieval at the first daily
 * lifecycle run after the case closes and tags them (a file is at least this old by then).
 */
const CLOSED_CASE_FILES_ARCHIVE_AFTER_DAYS = 1;

/** S3 actions per access level of a function (manifest `objects`). */
const OBJECT_ACTIONS: Record<ObjectAccess, readonly string[]> = {
  read: ['s3:GetObject'],
  // DeleteObject without a version id only adds a delete marker: the locked version stays (Object Lock).
  // AbortMultipartUpload lets a failed streamed write (a large export) remove the parts it sent.
  'read-write': ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:PutObjectRetention', 's3:AbortMultipartUpload'],
  // Tags only: the bytes, their retention and their hashes stay as they are.
  archive: ['s3:PutObjectTagging'],
};

export interface EvidenceBucketProps {
  /** Object Lock's default retention, GOVERNANCE mode. */
  retentionDays: number;
  /** Objects under cases/ move to Glacier Instant Retrieval after this many days, closed or not. */
  archiveAfterDays: number;
  /** How long the server access logs are kept. */
  accessLogDays: number;
}

/**
 * The one bucket of files Rectify keeps beside its table: evidence photos and PDFs, rendered documents,
 * large exports. Versioned with Object Lock (GOVERNANCE by default: see docs/evidence.md for why not
 * COMPLIANCE), encrypted with S3-managed keys, private, TLS only, its access logged to a bucket of its own.
 * Browsers reach it only through presigned URLs the API hands out.
 */
export class EvidenceBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // S3 server access logging delivers only to buckets encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Objects', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // S3-managed keys: every reader is one of the stack's function roles, which IAM already limits;
      // a KMS key would add a per-request charge and a key policy for the same roles (docs/evidence.md).
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.governance(Duration.days(props.retentionDays)),
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'objects/',
      // Browsers upload and download with presigned URLs, which carry their own authorization; no
      // cookie or credential rides on these requests, so the origin is not what protects them.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins: ['*'],
          allowedHeaders: ['content-type', 'if-none-match'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        {
          id: 'archive-closed-case-files',
          prefix: OBJECT_PREFIXES.cases,
          tagFilters: { [CLOSED_CASE_FILES_TAG.key]: CLOSED_CASE_FILES_TAG.value },
          transitions: [
            {
              storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(CLOSED_CASE_FILES_ARCHIVE_AFTER_DAYS),
            },
          ],
        },
        {
          // Files of a case still open after so long (an appeal, a stalled enforcement) go too.
          id: 'archive-case-files',
          prefix: OBJECT_PREFIXES.cases,
          transitions: [
            {
              storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(props.archiveAfterDays),
            },
          ],
          noncurrentVersionTransitions: [
            { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(30) },
          ],
        },
        {
          // Exports are written with a one-day retention of their own, so these may go after it.
          id: 'expire-exports',
          prefix: OBJECT_PREFIXES.exports,
          expiration: Duration.days(2),
          noncurrentVersionExpiration: Duration.days(1),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * A function's access: objects of the bucket at its level, and ListBucket so that a missing key answers
   * 404 rather than 403 (the store tells "not there" from "refused").
   */
  grant(grantee: IGrantable, access: ObjectAccess): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...OBJECT_ACTIONS[access]], resources: [this.bucket.arnForObjects('*')] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
  }
}
