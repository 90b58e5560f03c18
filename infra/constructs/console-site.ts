import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { Aws, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { UserPool, UserPoolClient, UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { OAuthScope } from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { PROJECT_ROOT } from '../bundling';

/** The console's path on the distribution, as on the local stack: the API keeps every other path. */
const CONSOLE_PATH = '/console';

export interface ConsoleSiteProps {
  stage: string;
  api: RestApi;
  /** The API's stage name, a constant (see apiOrigin). */
  apiStageName: string;
  userPool: UserPool;
  /** The evidence bucket's regional origin: the console uploads and downloads evidence there with presigned URLs. */
  objectStoreOrigin: string;
}

/**
 * The REST API as the distribution's origin: its regional host from the API's id, its stage as the path.
 * Not `RestApiOrigin`: that one cuts both out of the API's URL, which references the stage resource; the
 * stage's deployment depends on every method and so on every API function, and an API function that
 * links its emails to the console (CONSOLE_URL, the distribution's address) closed a cycle. Through the
 * id alone the distribution depends on the API resource only, which depends on no function.
 */
function apiOrigin(api: RestApi, stageName: string): HttpOrigin {
  const { region, urlSuffix } = Stack.of(api);
  return new HttpOrigin(`${api.restApiId}.execute-api.${region}.${urlSuffix}`, {
    originPath: `/${stageName}`,
    protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    originSslProtocols: [OriginSslPolicy.TLS_V1_2],
  });
}

/**
 * Paths of the single-page app (no file extension) are the app's index.html; files are themselves.
 * A viewer-request function, so the API's own 403 and 404 answers are never rewritten into the app.
 */
const SPA_ROUTING = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '${CONSOLE_PATH}/index.html';
  return request;
}`;

/** The distribution's root opens the console; every API path goes on to the API untouched. */
const ROOT_REDIRECT = `function handler(event) {
  if (event.request.uri === '/') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${CONSOLE_PATH}/' } } };
  }
  return event.request;
}`;

/**
 * The web console in AWS: its files in a private bucket read only by CloudFront (origin access control),
 * the API behind the same distribution (one origin, so no CORS), HTTPS only with security headers, and
 * Cognito's hosted sign-in (authorization code + PKCE) with its callback on the distribution.
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly domain: UserPoolDomain;
  readonly client: UserPoolClient;
  readonly deployment: BucketDeployment;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      // Only built files: the deployment replaces them all each time. Emptied by hand before a stage is deleted.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.domain = props.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: `rectify-${props.stage}-${Aws.ACCOUNT_ID}` },
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Rectify ${props.stage}: security headers for the console and the API`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: `default-src 'self'; connect-src 'self' ${this.domain.baseUrl()} ${props.objectStoreOrigin}; img-src 'self' data: ${props.objectStoreOrigin}; style-src 'self'; script-src 'self'; form-action 'self' ${this.domain.baseUrl()}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`,
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const viewerProtocolPolicy = ViewerProtocolPolicy.HTTPS_ONLY;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Rectify ${props.stage}: web console and API`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: apiOrigin(props.api, props.apiStageName),
        viewerProtocolPolicy,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        // Every API answer depends on the caller's token: nothing is cached, every viewer header but Host goes on.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'RootRedirect', {
              code: FunctionCode.fromInline(ROOT_REDIRECT),
              runtime: FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
      additionalBehaviors: {
        [`${CONSOLE_PATH}/*`]: {
          origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
          viewerProtocolPolicy,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: headers,
          functionAssociations: [
            {
              eventType: FunctionEventType.VIEWER_REQUEST,
              function: new CloudFrontFunction(this, 'SpaRouting', {
                code: FunctionCode.fromInline(SPA_ROUTING),
                runtime: FunctionRuntime.JS_2_0,
              }),
            },
          ],
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}${CONSOLE_PATH}/`;

    this.client = props.userPool.addClient('ConsoleClient', {
      userPoolClientName: `rectify-${props.stage}-console`,
      // A single-page app cannot keep a secret: the code flow with PKCE instead (the console sends S256 challenges).
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${this.url}callback`],
        logoutUrls: [this.url],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    this.deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${CONSOLE_PATH.slice(1)}/`,
      sources: [
        Source.asset(path.join(PROJECT_ROOT, 'console'), {
          exclude: ['dist', 'node_modules'],
          bundling: {
            // Built with the project's own Vite on this machine; no container image is involved.
            image: DockerImage.fromRegistry('scratch'),
            local: {
              tryBundle(outputDir) {
                execFileSync(
                  path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
                  [path.join(PROJECT_ROOT, 'scripts', 'console-build.ts')],
                  { cwd: PROJECT_ROOT, stdio: 'inherit' },
                );
                cpSync(path.join(PROJECT_ROOT, 'console', 'dist'), outputDir, {
                  recursive: true,
                  filter: (source) => !source.endsWith('.sources.sha256'),
                });
                return true;
              },
            },
          },
        }),
        // Written at deploy time, so one build serves every stage (see console/src/config.ts).
        Source.jsonData('config.json', {
          auth: 'cognito',
          apiBase: '',
          cognitoUrl: this.domain.baseUrl(),
          clientId: this.client.userPoolClientId,
        }),
      ],
      distribution: this.distribution,
      distributionPaths: [`${CONSOLE_PATH}/*`],
      memoryLimit: 256,
    });
  }
}
