import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IResource, MethodOptions } from 'aws-cdk-lib/aws-apigateway';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  Cors,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Model,
  RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROLES } from '#domain/vocabulary';
import type { HttpMethod, Route } from '../manifest-types';

/** A constant, so what reaches the API from outside (the console's distribution) need not reference the stage resource. */
const API_STAGE_NAME = 'v1';

const ROLE_DESCRIPTIONS: Record<(typeof ROLES)[number], string> = {
  reporter: 'Community staff, grid workers and survey teams: submit cases and follow their own submissions',
  officer:
    'Sub-district office and enforcement department: notices, inspections, extensions, representations, appeals, dismissals',
  enforcer: 'Enforcement team: records forced demolitions',
  auditor: 'Discipline and audit staff: read histories, lists and reports, verify integrity; never write',
};

const METHODS_WITH_BODY: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The API Gateway errors that never reach a handler, answered in the problem+json shape the handlers use.
 * `status` is omitted for the catch-alls, whose code the template cannot know.
 */
const GATEWAY_PROBLEMS: { type: ResponseType; status?: number; title: string }[] = [
  { type: ResponseType.BAD_REQUEST_BODY, status: 400, title: 'Invalid request body' },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, status: 400, title: 'Missing or invalid request parameters' },
  { type: ResponseType.UNAUTHORIZED, status: 401, title: 'Authentication required' },
  { type: ResponseType.EXPIRED_TOKEN, status: 401, title: 'Token expired' },
  { type: ResponseType.ACCESS_DENIED, status: 403, title: 'Access denied' },
  // API Gateway answers an unknown route as a missing token (403); it is a missing resource.
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, title: 'Not found' },
  { type: ResponseType.REQUEST_TOO_LARGE, status: 413, title: 'Request too large' },
  { type: ResponseType.THROTTLED, status: 429, title: 'Too many requests' },
  { type: ResponseType.DEFAULT_4XX, title: 'Request refused' },
  { type: ResponseType.DEFAULT_5XX, title: 'The service could not answer' },
];

/** The gateway response body: RFC 9457 members plus the gateway's own error code and request id. */
function gatewayProblemTemplate(title: string, status?: number): string {
  const members = [
    '"type":"about:blank"',
    `"title":"${title}"`,
    ...(status === undefined ? [] : [`"status":${status}`]),
    '"detail":$context.error.messageString',
    '"code":"$context.error.responseType"',
    '"requestId":"$context.requestId"',
  ];
  return `{${members.join(',')}}`;
}

export interface CaseApiProps {
  stage: string;
  mfa: 'required' | 'optional';
  deletionProtection: boolean;
  corsOrigins?: readonly string[];
  rateLimit: number;
  burstLimit: number;
  logRetention: RetentionDays;
}

/**
 * The REST API with its Cognito user pool: one group per role, every method behind the Cognito authorizer
 * unless its route is declared public, parameters and body shape checked before a handler runs, access
 * logs naming the caller, stage throttling, X-Ray, and CORS only for configured origins.
 */
export class CaseApi extends Construct {
  readonly api: RestApi;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly authorizer: CognitoUserPoolsAuthorizer;
  readonly accessLogs: LogGroup;
  readonly stageName = API_STAGE_NAME;
  private readonly validator: RequestValidator;
  private readonly jsonObject: Model;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: CaseApiProps,
  ) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `rectify-${props.stage}`,
      // Accounts are created by administrators for staff; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true, username: false },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      mfa: props.mfa === 'required' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      userInvitation: {
        emailSubject: 'Rectify 违法建设治理系统账号 / your Rectify account',
        emailBody:
          '您的 Rectify 账号已开通。用户名：{username}，临时密码：{####}（3 天内有效，首次登录须修改密码并绑定动态口令）。<br>' +
          'Your Rectify account is ready. User name: {username}, temporary password: {####} (valid for 3 days; set a new password and an authenticator app at first sign-in).',
      },
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.deletionProtection,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) {
      new UserPoolGroup(this, `Group-${role}`, {
        userPool: this.userPool,
        groupName: role,
        description: ROLE_DESCRIPTIONS[role],
      });
    }
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      userPoolClientName: `rectify-${props.stage}-api`,
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      // Sign-in is SRP or password through the API client; CDK's default OAuth (implicit and code grants
      // to https://example.com) would hand tokens to a site nobody controls.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [this.userPool],
      authorizerName: `rectify-${props.stage}-cognito`,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new RestApi(this, 'Api', {
      restApiName: `rectify-${props.stage}`,
      description: 'Rectify: illegal-construction cases from report to close',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: API_STAGE_NAME,
        tracingEnabled: true,
        // Errors only, and never request or response bodies: they carry personal data.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: false,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            time: AccessLogField.contextRequestTime(),
            ip: AccessLogField.contextIdentitySourceIp(),
            user: AccessLogField.contextAuthorizerClaims('sub'),
            groups: AccessLogField.contextAuthorizerClaims('cognito:groups'),
            method: AccessLogField.contextHttpMethod(),
            path: AccessLogField.contextResourcePath(),
            status: AccessLogField.contextStatus(),
            latencyMs: AccessLogField.contextResponseLatency(),
            error: AccessLogField.contextErrorMessage(),
          }),
        ),
      },
      defaultCorsPreflightOptions: props.corsOrigins?.length
        ? {
            allowOrigins: [...props.corsOrigins],
            allowMethods: Cors.ALL_METHODS,
            allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    this.validator = new RequestValidator(this, 'Validator', {
      restApi: this.api,
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    this.jsonObject = new Model(this, 'JsonObject', {
      restApi: this.api,
      contentType: 'application/json',
      description: 'Any JSON object; the handler checks its fields and names each bad one',
      schema: { schema: JsonSchemaVersion.DRAFT4, title: 'JsonObject', type: JsonSchemaType.OBJECT },
    });
    const singleOrigin = props.corsOrigins?.length === 1 ? props.corsOrigins[0] : undefined;
    for (const problem of GATEWAY_PROBLEMS) {
      this.api.addGatewayResponse(problem.type.responseType, {
        type: problem.type,
        statusCode: problem.status === undefined ? undefined : String(problem.status),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          ...(singleOrigin ? { 'Access-Control-Allow-Origin': `'${singleOrigin}'` } : {}),
        },
        templates: {
          'application/json': gatewayProblemTemplate(problem.title, problem.status),
        },
      });
    }
  }

  /** Adds one route served by `handler`. */
  addRoute(route: Route, handler: IFunction): void {
    const resource: IResource = this.api.root.resourceForPath(route.path);
    const pathParameters = [...route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] as string);
    const options: MethodOptions = {
      ...(route.public
        ? { authorizationType: AuthorizationType.NONE }
        : { authorizationType: AuthorizationType.COGNITO, authorizer: this.authorizer }),
      requestValidator: this.validator,
      requestParameters: Object.fromEntries([
        ...pathParameters.map((name) => [`method.request.path.${name}`, true] as const),
        ...(route.requiredHeaders ?? []).map((name) => [`method.request.header.${name}`, true] as const),
      ]),
      ...(METHODS_WITH_BODY.has(route.method) ? { requestModels: { 'application/json': this.jsonObject } } : {}),
    };
    resource.addMethod(route.method, new LambdaIntegration(handler, { proxy: true, allowTestInvoke: false }), options);
  }

  /** The stage's base URL, e.g. `https://abc123.execute-api.ap-southeast-1.amazonaws.com/v1/`. */
  get url(): string {
    return this.api.url;
  }
}
