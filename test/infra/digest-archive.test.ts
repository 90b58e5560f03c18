import type { CfnResource } from 'aws-cdk-lib';
import { MANIFEST } from '#infra/manifest';
import type { Json } from './support';
import { logicalId, permissionsOf, synthesize } from './support';

/**
 * The digests' bucket and signing key as synthesized: the local S3 server emulates no Object Lock and
 * there is no local KMS, so these are proved on the template — what CloudFormation will create.
 */
type Resources = Record<string, { Type: string; Properties: Record<string, Json>; DeletionPolicy?: string }>;

describe('the digest archive', () => {
  const synth = synthesize(MANIFEST);
  const { stack, template } = synth;
  const resources = template.toJSON().Resources as Resources;
  const bucketId = logicalId(stack.digests.bucket.node.defaultChild as CfnResource);
  const keyId = logicalId(stack.digests.key.node.defaultChild as CfnResource);
  const bucket = resources[bucketId]?.Properties ?? {};

  it('locks every digest in COMPLIANCE mode for the configured retention, versioned, private, retained', () => {
    expect(bucket.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 10_950 } },
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
    expect(resources[bucketId]?.DeletionPolicy).toBe('Retain');
  });

  it('signs with an asymmetric P-256 key for signing only, kept when the stack goes', () => {
    expect(resources[keyId]).toMatchObject({
      Type: 'AWS::KMS::Key',
      Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
      DeletionPolicy: 'Retain',
    });
  });

  it('runs the digest writer once a day, just after midnight UTC', () => {
    const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
    const writer = logicalId(stack.functions.get('DailyDigest')!.function.node.defaultChild as CfnResource);
    const daily = rules.filter((rule) => JSON.stringify(rule.Properties.Targets).includes(writer));
    expect(daily.map((rule) => rule.Properties.ScheduleExpression)).toEqual(['cron(15 0 * * ? *)']);
  });

  it('grants kms:Sign to the functions that declare digests: sign, and to nothing else', () => {
    const signers = MANIFEST.functions.filter((spec) => spec.digests === 'sign').map((spec) => spec.id);
    const verifiers = MANIFEST.functions.filter((spec) => spec.digests === 'verify').map((spec) => spec.id);
    expect(signers).toContain('DailyDigest');
    for (const spec of MANIFEST.functions) {
      const role = logicalId(stack.functions.get(spec.id)!.role.node.defaultChild as CfnResource);
      const permissions = permissionsOf(template, role);
      const kms = permissions.filter((p) => p.action.startsWith('kms:'));
      const expected = signers.includes(spec.id)
        ? ['kms:Sign']
        : verifiers.includes(spec.id)
          ? ['kms:GetPublicKey']
          : [];
      expect(kms.map((p) => p.action)).toEqual(expected);
      for (const permission of kms) expect(permission.resource).toBe(JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] }));
      const writesDigests = permissions.some((p) => p.action === 's3:PutObject' && p.resource.includes(bucketId));
      expect(writesDigests).toBe(signers.includes(spec.id));
    }
  });

  it('has no cdk-nag AwsSolutions or Serverless error left unacknowledged', () => {
    expect(synth.nagErrors).toEqual([]);
  });
});
