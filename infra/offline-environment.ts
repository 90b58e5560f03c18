/**
 * A function's environment as the synthesized template gives it, with every deploy-time reference
 * replaced by a stand-in of the right shape, so its entry can be loaded (and its cold-start parsing
 * checked) without an AWS account.
 */

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Region': 'ap-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Rectify-offline',
};

/**
 * What a `Ref` to a resource of these types answers: an ARN (a secret's), not a name. Stood in by an ARN of
 * that service, so an entry that checks the ARN's shape (the paging functions' CURSOR_SECRET_ARN) loads.
 */
const REF_IS_ARN: Record<string, (id: string) => string> = {
  'AWS::SecretsManager::Secret': (id) => `arn:aws:secretsmanager:ap-east-1:123456789012:secret:${id}-AbCdEf`,
};

/** Resolves `Ref`, `Fn::GetAtt` and `Fn::Join` over stand-in values; anything else is an error. */
function standInValue(value: unknown, types: ResourceTypes): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (typeof node.Ref === 'string') {
      const arnOf = REF_IS_ARN[types(node.Ref) ?? ''];
      if (arnOf) return arnOf(node.Ref);
      return PSEUDO_PARAMETERS[node.Ref] ?? `${node.Ref.toLowerCase()}-standin`;
    }
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      const [resource, attribute] = getAtt as [string, string];
      // A distribution's domain name makes a host (the console link); every other attribute an ARN.
      if (attribute === 'DomainName') return `${resource.toLowerCase()}.cloudfront.net`;
      return `arn:aws:lambda:ap-east-1:123456789012:function:${resource}`;
    }
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [separator, parts] = join as [string, unknown[]];
      return parts.map((part) => standInValue(part, types)).join(separator);
    }
  }
  throw new Error(`no stand-in for ${JSON.stringify(value)}`);
}

/** A template resource's type by logical id. */
type ResourceTypes = (logicalId: string) => string | undefined;

interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }>;
}

/** The environment of function `logicalId` in `template`, references replaced by stand-ins. */
export function offlineEnvironment(template: TemplateJson, logicalId: string): Record<string, string> {
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function')
    throw new Error(`${logicalId} is not a Lambda function in the template`);
  const variables = resource.Properties?.Environment?.Variables ?? {};
  const types: ResourceTypes = (id) => template.Resources[id]?.Type;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, standInValue(value, types)]));
}
