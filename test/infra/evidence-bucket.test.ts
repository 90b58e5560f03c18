import type { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { MANIFEST } from '#infra/manifest';
import type { FunctionSpec, Manifest } from '#infra/manifest-types';
import type { Json } from './support';
import { assertResourceProperties, logicalId, permissionsOf, synthesize } from './support';
import { CLOSED_CASE_FILES_TAG } from '#domain/case-files';

/**
 * The evidence bucket as synthesized. The local S3 server emulates none of Object Lock, versioning or
 * encryption, so these are proved on the template: what CloudFormation will create.
 */
type Resources = Record<string, { Type: string; Properties: Record<string, Json> }>;

/** The manifest with one function that reads objects and one that writes them, as a route's `uses` would make. */
const WITH_OBJECT_USERS: Manifest = {
  ...MANIFEST,
  functions: MANIFEST.functions.map((spec): FunctionSpec => {
    if (spec.id === 'GetCase') return { ...spec, objects: 'read', env: [...(spec.env ?? []), 'objects'] };
    if (spec.id === 'ExportCases') return { ...spec, objects: 'read-write', env: [...(spec.env ?? []), 'objects'] };
    return spec;
  }),
};

describe('the evidence bucket', () => {
  const synth = synthesize(WITH_OBJECT_USERS);
  const { stack, template } = synth;
  const resources = template.toJSON().Resources as Resources;
  const bucketId = logicalId(stack.evidence.bucket.node.defaultChild as CfnResource);
  const logsId = logicalId(stack.evidence.accessLogs.node.defaultChild as CfnResource);
  const bucket = resources[bucketId]?.Properties ?? {};

  it('locks every object version by default in GOVERNANCE mode for the configured retention (30 years)', () => {
    expect(bucket.ObjectLockEnabled).toBe(true);
    expect(bucket.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 10_950 } },
    });
  });

  it('keeps every version, encrypts at rest, blocks public access and is retained with the stack', () => {
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(resources[bucketId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('refuses every request without TLS', () => {
    assertResourceProperties(template, 'AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('logs its access to a private bucket of its own', () => {
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsId },
      LogFilePrefix: 'objects/',
    });
    expect(resources[logsId]?.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true });
  });

  it('moves a closed case’s files to Glacier Instant Retrieval the day after, any case’s after a year, and lets exports go after two days', () => {
    const rules = (bucket.LifecycleConfiguration as { Rules: Record<string, Json>[] }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Id: 'archive-closed-case-files',
          Prefix: 'cases/',
          TagFilters: [{ Key: CLOSED_CASE_FILES_TAG.key, Value: CLOSED_CASE_FILES_TAG.value }],
          Status: 'Enabled',
          Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 1 }],
        }),
        expect.objectContaining({
          Id: 'archive-case-files',
          Prefix: 'cases/',
          Status: 'Enabled',
          Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 365 }],
        }),
        expect.objectContaining({ Id: 'expire-exports', Prefix: 'exports/', ExpirationInDays: 2 }),
      ]),
    );
  });

  it('takes its retention and archive age from the configuration', () => {
    const { stack: other, template: otherTemplate } = synthesize(MANIFEST, {
      evidenceRetentionDays: 1,
      evidenceArchiveAfterDays: 90,
    });
    const other_ = (otherTemplate.toJSON().Resources as Resources)[
      logicalId(other.evidence.bucket.node.defaultChild as CfnResource)
    ]?.Properties;
    expect(other_?.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
    });
    expect(JSON.stringify(other_?.LifecycleConfiguration)).toContain('"TransitionInDays":90');
  });

  it('is reached only by functions that declare it, each at its own level, with the bucket named in OBJECT_BUCKET', () => {
    const grantsOf = (id: string) => {
      const handler = stack.functions.get(id);
      if (!handler) throw new Error(`no function ${id}`);
      const permissions = permissionsOf(template, logicalId(handler.role.node.defaultChild as CfnResource));
      const variables = (
        resources[logicalId(handler.function.node.defaultChild as CfnResource)]?.Properties.Environment as {
          Variables: Record<string, Json>;
        }
      ).Variables;
      return {
        s3: permissions
          .filter((p) => p.action.startsWith('s3:'))
          .map((p) => `${p.action} ${p.resource}`)
          .sort(),
        bucket: variables.OBJECT_BUCKET,
      };
    };
    const objects = JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] });
    const wholeBucket = JSON.stringify({ 'Fn::GetAtt': [bucketId, 'Arn'] });
    expect(grantsOf('GetCase')).toEqual({
      s3: [`s3:GetObject ${objects}`, `s3:ListBucket ${wholeBucket}`],
      bucket: { Ref: bucketId },
    });
    expect(grantsOf('ExportCases')).toEqual({
      s3: [
        `s3:AbortMultipartUpload ${objects}`,
        `s3:DeleteObject ${objects}`,
        `s3:GetObject ${objects}`,
        `s3:ListBucket ${wholeBucket}`,
        `s3:PutObject ${objects}`,
        `s3:PutObjectRetention ${objects}`,
      ],
      bucket: { Ref: bucketId },
    });
    // The functions that close a case tag its files, and may do nothing else with them.
    for (const closing of ['CloseCase', 'DismissCase', 'RecordRepresentation', 'RecordAppeal'])
      expect(grantsOf(closing)).toEqual({
        s3: [`s3:ListBucket ${wholeBucket}`, `s3:PutObjectTagging ${objects}`],
        bucket: { Ref: bucketId },
      });
    expect(grantsOf('ListCases')).toEqual({ s3: [], bucket: undefined });
    // Nobody may shorten or lift a lock: no function is granted the governance bypass.
    expect(JSON.stringify(template.toJSON())).not.toContain('BypassGovernanceRetention');
  });

  it('stays cdk-nag clean', () => {
    expect(synth.nagErrors).toEqual([]);
  });
});
