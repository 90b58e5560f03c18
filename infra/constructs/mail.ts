import { Stack } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IConfigurationSet, IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailProps {
  stage: string;
  senderAddress: string;
  /** A domain or the sender address itself. */
  senderIdentity: string;
  /** Every configured recipient: while the account is in the SES sandbox each must be a verified identity. */
  recipients: readonly string[];
  /** Where bounces, complaints, rejects and delays are published. */
  eventsTopic: ITopic;
  /** The identity exists already in this account and region: refer to it by name instead of creating it. */
  importIdentity?: boolean;
  /** An existing configuration set to send through instead of creating `rectify-<stage>`. */
  configurationSetName?: string;
}

/** Events the configuration set reports: the ones an operator must act on, not every delivery. */
const REPORTED_MAIL_EVENTS = [
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.REJECT,
  EmailSendingEvent.RENDERING_FAILURE,
  EmailSendingEvent.DELIVERY_DELAY,
] as const;

/**
 * SES: the sender identity, a configuration set that reports bounces and complaints and keeps
 * reputation metrics (the bounce and complaint rate alarms read them), and the one grant that lets a
 * mail sender use them.
 */
export class Mail extends Construct {
  readonly identity: IEmailIdentity;
  readonly configurationSet: IConfigurationSet;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: MailProps,
  ) {
    super(scope, id);
    const isDomain = !props.senderIdentity.includes('@');
    // An identity is unique per account and region: a second stage, or a domain the district verified
    // for another system, must use the existing one or the deploy fails.
    this.identity = props.importIdentity
      ? EmailIdentity.fromEmailIdentityName(this, 'Identity', props.senderIdentity)
      : new EmailIdentity(this, 'Identity', {
          identity: isDomain ? Identity.domain(props.senderIdentity) : Identity.email(props.senderIdentity),
        });
    this.configurationSet = props.configurationSetName
      ? ConfigurationSet.fromConfigurationSetName(this, 'ConfigurationSet', props.configurationSetName)
      : new ConfigurationSet(this, 'ConfigurationSet', {
          configurationSetName: `rectify-${props.stage}`,
          reputationMetrics: true,
          sendingEnabled: true,
          tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
          suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        });
    // Added to an existing set too, under a name of this stage's own: the bounce handler needs the events.
    new ConfigurationSetEventDestination(this, 'OperatorEvents', {
      configurationSet: this.configurationSet,
      configurationSetEventDestinationName: `rectify-${props.stage}-operator-events`,
      destination: EventDestination.snsTopic(props.eventsTopic),
      events: [...REPORTED_MAIL_EVENTS],
    });
  }

  /**
   * ses:SendRawEmail through the configuration set, from the sender address only. The configured recipients'
   * identities are included because in the SES sandbox sending is authorized against them too.
   */
  grantSend(grantee: IGrantable): void {
    const stack = Stack.of(this);
    const identityArn = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    const sender = this.props.senderIdentity.toLowerCase();
    const recipientIdentities = [...new Set(this.props.recipients.map((address) => address.toLowerCase()))].filter(
      (name) => name !== sender,
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          this.identity.emailIdentityArn,
          ...recipientIdentities.map(identityArn),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': this.props.senderAddress } },
      }),
    );
  }
}
