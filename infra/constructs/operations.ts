import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { GraphWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Alarm, AlarmStatusWidget, ComparisonOperator, Dashboard, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface OperationsProps {
  stage: string;
  alarmEmail?: string;
}

export interface AlarmSpec {
  metric: IMetric;
  /** The alarm fires at or above this value. */
  threshold: number;
  description: string;
  evaluationPeriods?: number;
}

/**
 * Where operators hear about trouble: an encrypted alarm topic (optionally mailed to an address) and an
 * encrypted topic for SES bounce and complaint events.
 */
export class Operations extends Construct {
  readonly alarmTopic: Topic;
  readonly mailEventsTopic: Topic;
  readonly key: Key;
  /** Asynchronous invocations (schedules, topic notifications) that failed after Lambda's retries. */
  readonly failedInvocations: Queue;
  /** Every alarm of the stack, for the dashboard. */
  readonly alarms: Alarm[] = [];
  private readonly alarmAction: SnsAction;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.key = new Key(this, 'TopicKey', {
      description: `Rectify ${props.stage}: encrypts the alarm and mail-event topics`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch (alarms) and SES (events) publish to the encrypted topics, so they must use the key.
    for (const service of ['cloudwatch.amazonaws.com', 'ses.amazonaws.com']) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          principals: [new ServicePrincipal(service)],
          resources: ['*'],
        }),
      );
    }
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `Rectify ${props.stage} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.mailEventsTopic = new Topic(this, 'MailEventsTopic', {
      displayName: `Rectify ${props.stage} mail bounces and complaints`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, so the enforce-SSL statement alone would leave CloudWatch
    // unable to publish and every alarm silent. Only this account's alarms may publish.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AlarmsOfThisAccountPublish',
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.alarmAction = new SnsAction(this.alarmTopic);
    this.failedInvocations = new Queue(this, 'FailedInvocations', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Long enough for the runbook: look at the failed event, fix, and invoke the function again with it.
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.alarm(this, 'FailedInvocationsAlarm', {
      metric: this.failedInvocations.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      threshold: 1,
      description:
        'A scheduled function or the mail-event recorder failed after its retries; the event waits in the failed-invocation queue (docs/deploy.md, runbook)',
    });
  }

  alarm(scope: Construct, id: string, spec: AlarmSpec): Alarm {
    const alarm = new Alarm(scope, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: spec.description,
    });
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }

  /** One dashboard: every alarm's state, then the graphs an operator looks at first. */
  dashboard(stage: string, graphs: GraphWidget[]): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `rectify-${stage}` });
    dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: this.alarms,
        width: 24,
        height: Math.min(12, 2 + Math.ceil(this.alarms.length / 6)),
      }),
    );
    for (let i = 0; i < graphs.length; i += 2) dashboard.addWidgets(...graphs.slice(i, i + 2));
    return dashboard;
  }
}

export const FIVE_MINUTES = Duration.minutes(5);
export const ONE_HOUR = Duration.hours(1);
