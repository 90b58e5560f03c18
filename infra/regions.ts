/**
 * The regions where every resource type the stack creates exists, and why the others are refused.
 *
 * Derived from cfn-lint's per-region resource specifications (cfn-lint 1.51, `cfn-lint --regions <region>`
 * reports E3006 for a type a region lacks) for the types in the synthesized template, including the
 * optional WAF web ACL. Classified partitions (aws-iso*, the European Sovereign Cloud) are left out: they
 * are reached with other tooling and nobody has checked the stack there.
 */
const SUPPORTED_REGIONS = [
  'af-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-5',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
] as const;

export type SupportedRegion = (typeof SUPPORTED_REGIONS)[number];

const NO_SES = 'SES (AWS::SES::EmailIdentity, ConfigurationSet, ConfigurationSetEventDestination) is not offered there';

/** Regions known to lack a service the stack needs, with what is missing. */
const UNSUPPORTED_REGIONS: Readonly<Record<string, string>> = {
  'ap-east-1': NO_SES,
  'ap-east-2': NO_SES,
  'ap-southeast-4': NO_SES,
  'ap-southeast-6': NO_SES,
  'ap-southeast-7': NO_SES,
  'eu-south-2': NO_SES,
  'mx-central-1': NO_SES,
  'cn-north-1': `Cognito user pools and ${NO_SES}`,
  'cn-northwest-1': `Cognito user pools and ${NO_SES}`,
};

export function isSupportedRegion(region: string): region is SupportedRegion {
  return (SUPPORTED_REGIONS as readonly string[]).includes(region);
}

/** Why a region is refused, naming the regions that work. */
export function unsupportedRegionMessage(region: string): string {
  const reason = Object.hasOwn(UNSUPPORTED_REGIONS, region)
    ? UNSUPPORTED_REGIONS[region]
    : 'it is not one where the stack was checked';
  return `${region} cannot host Rectify: ${reason}. Regions that can: ${SUPPORTED_REGIONS.join(', ')}`;
}
