import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, Duration, RemovalPolicies, Stack, Token } from 'aws-cdk-lib';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { GraphWidget, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { parseIssuingOffices } from '#documents/issuing-offices';
import { parseMailRecipients } from '#mail/recipients';
import { keys } from '#store/table';
import type { RectifyConfig } from './config';
import { LAMBDA_ENVIRONMENT_LIMIT_BYTES, senderIdentityOf } from './config';
import { CaseApi } from './constructs/case-api';
import { CaseTable } from './constructs/case-table';
import { ConsoleSite } from './constructs/console-site';
import { CursorKey } from './constructs/cursor-key';
import { CaseWorkflow, executionArnPatternFor, stateMachineArnFor } from './constructs/case-workflow';
import { EvidenceBucket } from './constructs/evidence-bucket';
import { DigestArchive } from './constructs/digest-archive';
import { HandlerFunction } from './constructs/handler-function';
import { Mail } from './constructs/mail';
import { FIVE_MINUTES, ONE_HOUR, Operations } from './constructs/operations';
import type { FunctionSpec, Manifest, TableAccess, WorkflowAction } from './manifest-types';
import { ASYNC_KINDS, EXECUTION_ACTIONS, workflowActionsOf } from './manifest-types';
import { ApiFirewall } from './constructs/api-firewall';
import { METRIC_NAMESPACE, METRICS } from '#shared/metrics';
import type { NagAcknowledgement } from './nag-suppressions';
import { applyNagSuppressions } from './nag-suppressions';

/** DynamoDB actions per access level. Scan is in neither: nothing in Rectify reads the whole table. */
const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  none: [],
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  'read-write': [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    // Transactions are authorized per item action; there is no TransactWriteItems permission.
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:ConditionCheckItem',
  ],
};

/**
 * The only partitions whose items a function deletes: attention flags (cleared when a case closes or
 * resumes) and the outbox's pending entries (removed once delivered). Everything else, above all the
 * cases and their hash-chained history, is never deleted by anyone.
 */
const DELETABLE_PARTITIONS = [keys.attention('-').PK, keys.pendingMailPartition] as const;

/** Whether a function may delete: it says so, or it sends mail through the outbox. */
function deletesItems(spec: FunctionSpec): boolean {
  return spec.table === 'read-write' && (spec.deletesItems === true || spec.sendsMail === true);
}

/** Environment variable names the mail senders read (see docs/mail.md). */
const MAIL_ENV = {
  recipients: 'MAIL_RECIPIENTS_JSON',
  configurationSet: 'MAIL_CONFIGURATION_SET',
} as const;

/** Aborted executions are routine (a dismissal or an appeal stops the running phase); a flood of them is not. */
const ABORTED_EXECUTIONS_PER_HOUR_ALARM = 25;
/** AWS reviews a sending account at a 5 % bounce rate and a 0.1 % complaint rate; the alarms fire earlier. */
const BOUNCE_RATE_ALARM = 0.04;
const COMPLAINT_RATE_ALARM = 0.0008;
/** A function whose longest run reaches this share of its timeout is close to being cut off. */
const DURATION_ALARM_SHARE = 0.8;

export interface RectifyStackProps extends StackProps {
  config: RectifyConfig;
  manifest: Manifest;
  /** Acknowledge the accepted cdk-nag findings (infra/nag-suppressions.ts). Default: true. */
  acknowledgeNagFindings?: boolean;
}

export class RectifyStack extends Stack {
  readonly table: CaseTable;
  readonly api: CaseApi;
  readonly workflow: CaseWorkflow;
  readonly mail: Mail;
  readonly operations: Operations;
  readonly console: ConsoleSite;
  readonly evidence: EvidenceBucket;
  readonly digests: DigestArchive;
  readonly cursorKey: CursorKey;
  readonly functions = new Map<string, HandlerFunction>();
  readonly nagAcknowledgements: NagAcknowledgement[];
  readonly waf?: ApiFirewall;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: RectifyStackProps) {
    super(scope, id, props);
    const { config, manifest } = props;
    const logRetention = config.logRetentionDays as RetentionDays;

    this.operations = new Operations(this, 'Operations', { stage: config.stage, alarmEmail: config.alarmEmail });
    this.table = new CaseTable(this, 'Data', { deletionProtection: config.deletionProtection });
    const allRecipients = [
      ...Object.values(config.escalationRecipients).flat(),
      ...config.fallbackRecipients,
      ...(config.alertRecipients ?? []),
    ];
    this.mail = new Mail(this, 'Mail', {
      stage: config.stage,
      senderAddress: config.senderAddress,
      senderIdentity: senderIdentityOf(config),
      recipients: allRecipients,
      eventsTopic: this.operations.mailEventsTopic,
      importIdentity: config.importSenderIdentity,
      configurationSetName: config.configurationSetName,
    });
    this.api = new CaseApi(this, 'Api', {
      stage: config.stage,
      mfa: config.mfa,
      deletionProtection: config.deletionProtection,
      corsOrigins: config.corsOrigins,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      logRetention,
    });

    this.evidence = new EvidenceBucket(this, 'Evidence', {
      retentionDays: config.evidenceRetentionDays,
      archiveAfterDays: config.evidenceArchiveAfterDays,
      accessLogDays: config.logRetentionDays,
    });
    this.digests = new DigestArchive(this, 'History', {
      retentionDays: config.digestRetentionDays,
      accessLogs: this.evidence.accessLogs,
    });
    this.console = new ConsoleSite(this, 'Console', {
      stage: config.stage,
      api: this.api.api,
      apiStageName: this.api.stageName,
      userPool: this.api.userPool,
      objectStoreOrigin: `https://${this.evidence.bucket.bucketRegionalDomainName}`,
    });
    this.cursorKey = new CursorKey(this, 'CursorKey', { stage: config.stage });
    const stateMachineArn = stateMachineArnFor(this, config.stage, manifest.workflow);
    // Checked with the mail senders' own schema, so a configuration they would refuse at cold start fails the synth.
    const mailRecipientsJson = JSON.stringify(
      parseMailRecipients({
        from: config.senderAddress,
        ...(config.senderName ? { fromName: config.senderName } : {}),
        subdistricts: config.escalationRecipients,
        fallback: config.fallbackRecipients,
        ...(config.alertRecipients ? { alerts: config.alertRecipients } : {}),
      }),
    );

    const issuingOffices = {
      subdistricts: config.issuingOffices,
      ...(config.fallbackIssuingOffice ? { fallback: config.fallbackIssuingOffice } : {}),
    };
    // Checked as the rendering functions check it at cold start, against the sub-districts that receive mail.
    parseIssuingOffices(issuingOffices, Object.keys(config.escalationRecipients));
    const issuingOfficesJson = JSON.stringify(issuingOffices);

    const tasks = new Map<string, IFunction>();
    for (const spec of manifest.functions) {
      const workflowActions = workflowActionsOf(spec);
      assertConsistent(spec, workflowActions);
      const wanted = new Set(spec.env ?? []);
      const environment: Record<string, string> = {
        ...(spec.table === 'none' ? {} : { TABLE_NAME: this.table.table.tableName }),
        POWERTOOLS_SERVICE_NAME: 'rectify',
        POWERTOOLS_LOG_LEVEL: config.logLevel,
      };
      if (wanted.has('deadlines')) {
        environment.POLICY_JSON = JSON.stringify(config.policy);
        environment.CALENDAR_JSON = JSON.stringify(config.calendarYears);
      }
      if (wanted.has('stateMachine')) environment.STATE_MACHINE_ARN = stateMachineArn;
      if (wanted.has('links')) {
        // The configured address (a custom domain), else the distribution's: every sender links to the
        // console, API functions too (the distribution reaches the API without depending on its functions).
        environment.CONSOLE_URL = config.consoleUrl ?? this.console.url;
      }
      if (wanted.has('cursorKey')) environment.CURSOR_SECRET_ARN = this.cursorKey.secret.secretArn;
      if (wanted.has('mail')) {
        environment[MAIL_ENV.recipients] = mailRecipientsJson;
        environment[MAIL_ENV.configurationSet] = this.mail.configurationSet.configurationSetName;
      }
      if (wanted.has('objects')) environment.OBJECT_BUCKET = this.evidence.bucket.bucketName;
      if (wanted.has('digests')) {
        environment.DIGEST_BUCKET = this.digests.bucket.bucketName;
        environment.DIGEST_KEY_ARN = this.digests.key.keyArn;
      }
      if (wanted.has('documents')) environment.ISSUING_OFFICES_JSON = issuingOfficesJson;
      assertEnvironmentFits(spec, environment);

      const handler = new HandlerFunction(this, spec.id, {
        spec,
        environment,
        logRetention,
        ...(ASYNC_KINDS.includes(spec.kind) ? { onFailure: this.operations.failedInvocations } : {}),
      });
      this.functions.set(spec.id, handler);
      this.grantTable(handler.role, spec.table, deletesItems(spec));
      if (workflowActions.length) this.grantWorkflow(handler.role, workflowActions, config.stage, manifest);
      if (spec.sendsMail) this.mail.grantSend(handler.role);
      if (spec.objects) this.evidence.grant(handler.role, spec.objects);
      if (spec.digests) this.digests.grant(handler.role, spec.digests);
      if (wanted.has('cursorKey')) this.cursorKey.grantRead(handler.role);

      if (spec.kind === 'api') for (const route of spec.routes) this.api.addRoute(route, handler.function);
      if (spec.kind === 'task') {
        if (tasks.has(spec.substitution)) throw new Error(`two task functions fill \${${spec.substitution}}`);
        tasks.set(spec.substitution, handler.function);
      }
      if (spec.kind === 'subscriber') {
        // SNS invokes asynchronously: a failed recording goes to the failed-invocation queue after Lambda's
        // retries; a notice SNS could not deliver at all goes there too.
        this.operations.mailEventsTopic.addSubscription(
          new LambdaSubscription(handler.function, { deadLetterQueue: this.operations.failedInvocations }),
        );
      }
      const schedule =
        (spec.kind === 'mail' || spec.kind === 'scheduled') && spec.everyMinutes
          ? Schedule.rate(Duration.minutes(spec.everyMinutes))
          : spec.kind === 'scheduled' && spec.dailyAtUtc
            ? Schedule.cron({ hour: String(spec.dailyAtUtc.hour), minute: String(spec.dailyAtUtc.minute) })
            : undefined;
      if (schedule) {
        new Rule(this, `${spec.id}Schedule`, {
          description: `Rectify ${config.stage}: ${spec.description}`,
          schedule,
          // A schedule EventBridge could not deliver at all lands with the functions' own failures.
          targets: [
            new LambdaFunction(handler.function, {
              retryAttempts: 0,
              deadLetterQueue: this.operations.failedInvocations,
            }),
          ],
        });
      }
      this.operations.alarm(handler, 'ErrorsAlarm', {
        metric: handler.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        description: `${spec.id} (${spec.entry}) raised errors`,
      });
      this.operations.alarm(handler, 'ThrottlesAlarm', {
        metric: handler.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        description: `${spec.id} (${spec.entry}) was throttled`,
      });
      const timeoutMs = handler.function.timeout?.toMilliseconds() ?? 3_000;
      this.operations.alarm(handler, 'DurationAlarm', {
        metric: handler.function.metricDuration({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold: Math.round(timeoutMs * DURATION_ALARM_SHARE),
        description: `${spec.id} (${spec.entry}) ran for ${DURATION_ALARM_SHARE * 100} % of its ${timeoutMs / 1000} s timeout`,
      });
    }

    this.workflow = new CaseWorkflow(this, 'Workflow', {
      stage: config.stage,
      spec: manifest.workflow,
      tasks,
      logRetention,
    });
    // Everything that holds data is kept by default (each construct says RETAIN); a throwaway stage lets it go.
    if (!config.retainData) RemovalPolicies.of(this).destroy();
    this.addWorkflowAlarms();
    this.addApiAndMailAlarms();
    this.addCaseAndTableAlarms(manifest);
    this.waf = config.waf
      ? new ApiFirewall(this, 'Firewall', {
          stage: config.stage,
          stageArn: this.api.api.deploymentStage.stageArn,
          ratePerIp: config.wafRatePerIp,
        })
      : undefined;
    this.dashboard = this.operations.dashboard(config.stage, this.dashboardGraphs());
    this.nagAcknowledgements =
      props.acknowledgeNagFindings === false ? [] : applyNagSuppressions(this, { config, manifest });

    new CfnOutput(this, 'ConsoleUrl', {
      value: this.console.url,
      description: 'The web console (the API is on the same origin too)',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the REST API' });
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidence.bucket.bucketName });
    new CfnOutput(this, 'DigestBucketName', { value: this.digests.bucket.bucketName });
    new CfnOutput(this, 'DigestKeyArn', {
      value: this.digests.key.keyArn,
      description: 'Signs the digests; auditors check them with its public key (docs/digests.md)',
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.alarmTopic.topicArn });
    new CfnOutput(this, 'MailEventsTopicArn', { value: this.operations.mailEventsTopic.topicArn });
    new CfnOutput(this, 'SenderIdentity', { value: this.mail.identity.emailIdentityName });
  }

  private grantTable(grantee: IGrantable, access: TableAccess, deletes: boolean): void {
    if (access === 'none') return;
    const table = this.table.table;
    const [readOnItems, readOnIndexes] = [TABLE_ACTIONS[access], ['dynamodb:Query']];
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...readOnItems], resources: [table.tableArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: readOnIndexes, resources: this.table.indexArns() }),
    );
    if (deletes) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:DeleteItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...DELETABLE_PARTITIONS] } },
        }),
      );
    }
  }

  private grantWorkflow(
    grantee: IGrantable,
    actions: readonly WorkflowAction[],
    stage: string,
    manifest: Manifest,
  ): void {
    const onStateMachine = actions.filter((action) => !EXECUTION_ACTIONS.includes(action));
    const onExecutions = actions.filter((action) => EXECUTION_ACTIONS.includes(action));
    if (onStateMachine.length) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: onStateMachine.map((action) => `states:${action}`),
          resources: [stateMachineArnFor(this, stage, manifest.workflow)],
        }),
      );
    }
    if (onExecutions.length) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: onExecutions.map((action) => `states:${action}`),
          resources: [executionArnPatternFor(this, stage, manifest.workflow)],
        }),
      );
    }
  }

  private addWorkflowAlarms(): void {
    const stateMachine = this.workflow.stateMachine;
    const scope = this.workflow;
    this.operations.alarm(scope, 'FailedExecutionsAlarm', {
      metric: stateMachine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 1,
      description: 'A case workflow execution failed',
    });
    this.operations.alarm(scope, 'TimedOutExecutionsAlarm', {
      metric: stateMachine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 1,
      description: 'A case workflow execution timed out',
    });
    this.operations.alarm(scope, 'AbortedExecutionsAlarm', {
      metric: stateMachine.metricAborted({ period: ONE_HOUR, statistic: 'Sum' }),
      threshold: ABORTED_EXECUTIONS_PER_HOUR_ALARM,
      description: `More than ${ABORTED_EXECUTIONS_PER_HOUR_ALARM - 1} case workflow executions were stopped within an hour (dismissals and appeals stop one each)`,
    });
    this.operations.alarm(scope, 'ThrottledExecutionsAlarm', {
      metric: stateMachine.metricThrottled({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 1,
      description: 'Case workflow executions were throttled',
    });
  }

  private addCaseAndTableAlarms(manifest: Manifest): void {
    const rectifyMetric = (metricName: string, statistic: string) =>
      new Metric({ namespace: METRIC_NAMESPACE, metricName, period: FIVE_MINUTES, statistic });
    this.operations.alarm(this.operations, 'CasesNeedingAttentionAlarm', {
      metric: rectifyMetric(METRICS.casesNeedingAttention, 'Maximum'),
      threshold: 1,
      description:
        'Cases are flagged for attention (a failed step, a bounced email, an overdue round): GET /cases?attention=true lists them',
    });
    this.operations.alarm(this.operations, 'StalledWorkflowsAlarm', {
      metric: rectifyMetric(METRICS.stalledWorkflowsFound, 'Sum'),
      threshold: 1,
      description:
        'The workflow check found open cases no execution was waiting on (an intake never started, a workflow stopped silently) and started, resumed or flagged them',
    });
    this.operations.alarm(this.mail, 'BouncesRecordedAlarm', {
      metric: rectifyMetric(METRICS.emailsBouncedOrComplained, 'Sum'),
      threshold: 1,
      description:
        'An email bounced or was complained of; it is recorded on its case, which is flagged (SES now suppresses the address)',
    });
    // Every mail sender's log: the messages it writes when it gives up on an email or cannot tell whether it went.
    const failedMail = new Metric({
      namespace: METRIC_NAMESPACE,
      metricName: 'EmailsFailedOrUnconfirmed',
      period: FIVE_MINUTES,
      statistic: 'Sum',
    });
    for (const spec of manifest.functions) {
      const handler = this.functions.get(spec.id);
      if (!spec.sendsMail || !handler) continue;
      new MetricFilter(handler, 'MailFailures', {
        logGroup: handler.logGroup,
        metricNamespace: METRIC_NAMESPACE,
        metricName: 'EmailsFailedOrUnconfirmed',
        metricValue: '1',
        filterPattern: FilterPattern.any(
          ...MAIL_FAILURE_LOG_MESSAGES.map((message) => FilterPattern.stringValue('$.message', '=', message)),
        ),
      });
    }
    this.operations.alarm(this.mail, 'FailedMailAlarm', {
      metric: failedMail,
      threshold: 1,
      description:
        'An email was refused, given up on, or its outcome stayed unknown; its case records EMAIL_FAILED and is flagged',
    });
    const tableName = this.table.table.tableName;
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      this.operations.alarm(this.table, `${metricName}Alarm`, {
        metric: new Metric({
          namespace: 'AWS/DynamoDB',
          metricName,
          dimensionsMap: { TableName: tableName },
          period: FIVE_MINUTES,
          statistic: 'Sum',
        }),
        threshold: 1,
        description: `The case table throttled requests (${metricName}); on-demand capacity is adapting or a partition is hot`,
      });
    }
  }

  private dashboardGraphs(): GraphWidget[] {
    const machine = this.workflow.stateMachine;
    const lambdas = [...this.functions.values()].map((h) => h.function);
    return [
      new GraphWidget({
        title: 'Workflow executions',
        left: [
          machine.metricStarted(),
          machine.metricSucceeded(),
          machine.metricFailed(),
          machine.metricAborted(),
          machine.metricTimedOut(),
        ],
      }),
      new GraphWidget({
        title: 'API requests and errors',
        left: [this.api.api.metricCount(), this.api.api.metricClientError(), this.api.api.metricServerError()],
        right: [this.api.api.metricLatency({ statistic: 'p99' })],
      }),
      new GraphWidget({ title: 'Function errors', left: lambdas.map((fn) => fn.metricErrors()) }),
      new GraphWidget({
        title: 'Function duration (max)',
        left: lambdas.map((fn) => fn.metricDuration({ statistic: 'Maximum' })),
      }),
      new GraphWidget({
        title: 'Cases and mail',
        left: [
          METRICS.casesNeedingAttention,
          METRICS.stalledWorkflowsFound,
          METRICS.emailsBouncedOrComplained,
          'EmailsFailedOrUnconfirmed',
        ].map(
          (metricName) =>
            new Metric({
              namespace: METRIC_NAMESPACE,
              metricName,
              statistic: metricName === METRICS.casesNeedingAttention ? 'Maximum' : 'Sum',
            }),
        ),
      }),
      new GraphWidget({
        title: 'Table throttles and failed invocations',
        left: ['ReadThrottleEvents', 'WriteThrottleEvents'].map(
          (metricName) =>
            new Metric({
              namespace: 'AWS/DynamoDB',
              metricName,
              dimensionsMap: { TableName: this.table.table.tableName },
              statistic: 'Sum',
            }),
        ),
        right: [this.operations.failedInvocations.metricApproximateNumberOfMessagesVisible()],
      }),
    ];
  }

  private addApiAndMailAlarms(): void {
    this.operations.alarm(this.api, 'ServerErrorsAlarm', {
      metric: this.api.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 1,
      description: 'The API answered with 5xx errors',
    });
    const sesMetric = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: ONE_HOUR, statistic: 'Maximum' });
    this.operations.alarm(this.mail, 'BounceRateAlarm', {
      metric: sesMetric('Reputation.BounceRate'),
      threshold: BOUNCE_RATE_ALARM,
      description: `SES bounce rate reached ${BOUNCE_RATE_ALARM * 100} % (AWS reviews the account at 5 %)`,
    });
    this.operations.alarm(this.mail, 'ComplaintRateAlarm', {
      metric: sesMetric('Reputation.ComplaintRate'),
      threshold: COMPLAINT_RATE_ALARM,
      description: `SES complaint rate reached ${COMPLAINT_RATE_ALARM * 100} % (AWS reviews the account at 0.1 %)`,
    });
  }
}

/** The messages the mail senders log when an email is given up on or its outcome stays unknown (functions/mail/ses-mailer.ts). */
const MAIL_FAILURE_LOG_MESSAGES = [
  'email refused',
  'email outcome unknown; not resending',
  'mail service unavailable for too long; giving up',
  'email sent but not recorded',
] as const;

/** A permission without the configuration to use it is a manifest mistake, caught at synth. */
function assertConsistent(spec: FunctionSpec, workflowActions: readonly WorkflowAction[]): void {
  const env = spec.env ?? [];
  if (workflowActions.length && !env.includes('stateMachine'))
    throw new Error(`${spec.id}: workflow actions need env 'stateMachine'`);
  if (spec.sendsMail && !env.includes('mail')) throw new Error(`${spec.id}: sending mail needs env 'mail'`);
  if (spec.objects && !env.includes('objects')) throw new Error(`${spec.id}: the object store needs env 'objects'`);
}

/**
 * Lambda refuses environments over 4 KB. Values that are deploy-time references count at their
 * longest plausible length, so the check cannot pass at synth and fail at deploy.
 */
function assertEnvironmentFits(spec: FunctionSpec, environment: Record<string, string>): void {
  const referenceLength = 200;
  const size = Object.entries(environment).reduce(
    (total, [key, value]) =>
      total + key.length + (Token.isUnresolved(value) ? referenceLength : Buffer.byteLength(value, 'utf8')),
    0,
  );
  if (size > LAMBDA_ENVIRONMENT_LIMIT_BYTES - 64) {
    throw new Error(
      `${spec.id}: its environment would be about ${size} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}; ` +
        'shorten the policy, calendarYears or recipient context values',
    );
  }
}
