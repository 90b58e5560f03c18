import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  stage: string;
  /** The API stage the web ACL protects. */
  stageArn: string;
  /** Requests one client IP may make in 5 minutes before it is blocked for a while. */
  ratePerIp: number;
}

/** AWS managed rule groups, in order: common exploits, known bad inputs, addresses with a bad reputation. */
const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
] as const;

/**
 * The common rule set blocks bodies over 8 KB; the API takes larger ones on purpose (a batch of 25
 * submissions) and the gateway and the handlers bound every body, so that one rule only counts.
 */
const COUNTED_RULES: Readonly<Record<(typeof MANAGED_RULE_GROUPS)[number], readonly string[]>> = {
  AWSManagedRulesCommonRuleSet: ['SizeRestrictions_BODY'],
  AWSManagedRulesKnownBadInputsRuleSet: [],
  AWSManagedRulesAmazonIpReputationList: [],
};

/**
 * A WAF web ACL on the API stage. The stage's throttle is one bucket shared by every caller, so junk
 * traffic from a few addresses would throttle every officer; the rate rule blocks such an address alone,
 * and the managed rule groups drop known exploits before they reach a function.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `rectify-${props.stage}-${metricName}`,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `rectify-${props.stage}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('api'),
      rules: [
        ...MANAGED_RULE_GROUPS.map((name, priority) => ({
          name,
          priority,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name,
              ...(COUNTED_RULES[name].length
                ? {
                    ruleActionOverrides: COUNTED_RULES[name].map((rule) => ({
                      name: rule,
                      actionToUse: { count: {} },
                    })),
                  }
                : {}),
            },
          },
          visibilityConfig: visibility(name),
        })),
        {
          name: 'RatePerIp',
          priority: MANAGED_RULE_GROUPS.length,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: props.ratePerIp, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
          },
          visibilityConfig: visibility('rate-per-ip'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', { resourceArn: props.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
