import type { CfnResource } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { MANIFEST } from '#infra/manifest';
import type { Synthesized } from './support';
import { logicalId, synthesize } from './support';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize(MANIFEST);
});

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resourcesOf = (type: string) =>
  Object.entries(synthesized.template.toJSON().Resources as Resources).filter(([, r]) => r.Type === type);
/** The one resource of a type (whose logical id starts with `prefix`): its id and properties. */
function only<T>(type: string, prefix = ''): [string, T] {
  const found = resourcesOf(type).filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  const [id, resource] = found[0] as [string, { Properties: unknown }];
  return [id, resource.Properties as T];
}

/** Runs a CloudFront Function's code on a viewer request, as CloudFront would. */
function runViewerFunction(
  code: string,
  uri: string,
): { uri?: string; statusCode?: number; headers?: Record<string, { value: string }> } {
  const handler = new Function(`${code}; return handler;`)() as (event: unknown) => {
    uri?: string;
    statusCode?: number;
  };
  return handler({ request: { uri, method: 'GET', headers: {} } });
}

describe('the web console in AWS', () => {
  it('gives every function that sends mail, API functions included, the distribution’s address for case links', () => {
    const template = synthesized.template.toJSON() as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;
    };
    const [distributionId] = only<unknown>('AWS::CloudFront::Distribution');
    const consoleUrl = {
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/console/']],
    };
    const linking = MANIFEST.functions.filter((spec) => spec.env?.includes('links'));
    expect(new Set(linking.map((spec) => spec.kind))).toEqual(new Set(['api', 'task', 'mail']));
    const linkOf = (id: string) => {
      const fn = synthesized.stack.functions.get(id)!.function.node.defaultChild as CfnResource;
      const properties = template.Resources[logicalId(fn)]!.Properties as {
        Environment: { Variables: Record<string, unknown> };
      };
      return properties.Environment.Variables.CONSOLE_URL ?? null;
    };
    expect(Object.fromEntries(linking.map((spec) => [spec.id, linkOf(spec.id)]))).toEqual(
      Object.fromEntries(linking.map((spec) => [spec.id, consoleUrl])),
    );
  });

  it('reaches the API through its id and constant stage name, so the distribution never waits for a function', () => {
    // The origin taken from the API's URL referenced the stage, and through its deployment every method
    // and API function: an API function given the distribution's address closed a cycle.
    const [, distribution] = only<{ DistributionConfig: { Origins: unknown[] } }>('AWS::CloudFront::Distribution');
    const [apiOrigin] = distribution.DistributionConfig.Origins;
    const [apiId] = only<unknown>('AWS::ApiGateway::RestApi');
    const [stageId] = only<unknown>('AWS::ApiGateway::Stage');
    expect(apiOrigin).toMatchObject({
      DomainName: { 'Fn::Join': ['', [{ Ref: apiId }, '.execute-api.ap-southeast-1.', { Ref: 'AWS::URLSuffix' }]] },
      OriginPath: '/v1',
    });
    synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'v1' });
    expect(JSON.stringify(distribution)).not.toContain(stageId);
  });

  it('leaves no cdk-nag finding unacknowledged anywhere in the stack', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });

  it('keeps the files in a private bucket that only the distribution reads, through origin access control', () => {
    const [bucketId, bucket] = only<Record<string, unknown>>('AWS::S3::Bucket', 'ConsoleFiles');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    synthesized.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
    synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' }),
        ]),
      },
    });
  });

  it('serves the console and the API from one HTTPS-only distribution with security headers', () => {
    type Behavior = Record<string, unknown>;
    type Origin = { CustomOriginConfig?: { OriginProtocolPolicy: string }; S3OriginConfig?: unknown };
    const [, distribution] = only<{
      DistributionConfig: { DefaultCacheBehavior: Behavior; CacheBehaviors: Behavior[]; Origins: Origin[] };
    }>('AWS::CloudFront::Distribution');
    const config = distribution.DistributionConfig;
    const behaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors];
    expect(behaviors.map((b) => b.ViewerProtocolPolicy)).toEqual(['https-only', 'https-only']);
    expect(behaviors.every((b) => b.ResponseHeadersPolicyId !== undefined)).toBe(true);
    expect(config.CacheBehaviors.map((b) => b.PathPattern)).toEqual(['/console/*']);
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'GET']));
    // The API Gateway stage (HTTPS to the origin too) and the bucket.
    expect(
      config.Origins.map((o) => o.CustomOriginConfig?.OriginProtocolPolicy ?? (o.S3OriginConfig ? 's3' : undefined)),
    ).toEqual(['https-only', 's3']);
    synthesized.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ Override: true }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentSecurityPolicy: Match.objectLike({ Override: true }),
        }),
      },
    });
  });

  it('routes app paths to the app and leaves files and the API alone', () => {
    const functions = resourcesOf('AWS::CloudFront::Function').map(
      ([, f]) => f.Properties as { Name: unknown; FunctionCode: string },
    );
    const spa = functions.find((f) => f.FunctionCode.includes('index.html'));
    const root = functions.find((f) => f.FunctionCode.includes('302'));
    expect(runViewerFunction(spa?.FunctionCode ?? '', '/console/cases/C-20261203-ABCDEF').uri).toBe(
      '/console/index.html',
    );
    expect(runViewerFunction(spa?.FunctionCode ?? '', '/console/').uri).toBe('/console/index.html');
    expect(runViewerFunction(spa?.FunctionCode ?? '', '/console/assets/index-abc.js').uri).toBe(
      '/console/assets/index-abc.js',
    );
    expect(runViewerFunction(spa?.FunctionCode ?? '', '/console/config.json').uri).toBe('/console/config.json');
    expect(runViewerFunction(root?.FunctionCode ?? '', '/')).toMatchObject({
      statusCode: 302,
      headers: { location: { value: '/console/' } },
    });
    expect(runViewerFunction(root?.FunctionCode ?? '', '/cases/C-20261203-ABCDEF').uri).toBe(
      '/cases/C-20261203-ABCDEF',
    );
  });

  it('signs people in with Cognito’s hosted pages: code flow, no secret, callback and logout on the distribution', () => {
    expect(resourcesOf('AWS::Cognito::UserPoolDomain')).toHaveLength(1);
    synthesized.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'rectify-test-console',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid']),
      CallbackURLs: [
        {
          'Fn::Join': [
            '',
            [
              'https://',
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConsoleDistribution'), 'DomainName'] },
              '/console/callback',
            ],
          ],
        },
      ],
      LogoutURLs: [
        {
          'Fn::Join': [
            '',
            ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConsoleDistribution'), 'DomainName'] }, '/console/'],
          ],
        },
      ],
    });
  });

  it('writes the runtime configuration (API, Cognito domain and client) beside the console at deployment', () => {
    synthesized.template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'console/',
      DistributionPaths: ['/console/*'],
    });
    const [, deployment] = only<{ SourceMarkers: unknown[]; SourceObjectKeys: unknown[] }>(
      'Custom::CDKBucketDeployment',
    );
    expect(deployment.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(deployment.SourceMarkers);
    expect(markers).toContain('ConsoleClient');
    expect(markers).toContain('ApiUsersSignIn');
  });
});
