import type { CfnResource } from 'aws-cdk-lib';
import { ROUTES, needsOfRoute } from '#api/routes/index';
import type { AnyRoute } from '#api/routes/index';
import { MANIFEST } from '#infra/manifest';
import type { Synthesized } from './support';
import { logicalId, permissionsOf, synthesize } from './support';

let synthesized: Synthesized;
let secretId: string;
beforeAll(() => {
  synthesized = synthesize(MANIFEST);
  secretId = logicalId(synthesized.stack.cursorKey.secret.node.defaultChild as CfnResource);
});

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resources = () => synthesized.template.toJSON().Resources as Resources;

/** The routes whose declarations say they seal or open cursors, as function ids. */
const pagingFunctions = () =>
  (ROUTES as readonly AnyRoute[])
    .filter((route) => needsOfRoute(route).cursor === true)
    .map((route) => route.operationId.charAt(0).toUpperCase() + route.operationId.slice(1))
    .sort();

describe('the cursor key in AWS', () => {
  it('is one generated secret of 64 characters, so no person writes or sees it', () => {
    const secrets = Object.entries(resources()).filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret');
    expect(secrets.map(([id]) => id)).toEqual([secretId]);
    const [, secret] = secrets[0]!;
    expect(secret.Properties).toMatchObject({
      Name: 'rectify-test-cursor-key',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    expect(secret.Properties.SecretString).toBeUndefined();
  });

  it('is read by exactly the paging functions, their routes say which: the list, the history and the export', () => {
    expect(pagingFunctions()).toEqual(['ExportCases', 'GetCaseHistory', 'ListCases']);
    const readers = MANIFEST.functions
      .filter((spec) => {
        const role = synthesized.stack.functions.get(spec.id)!.role.node.defaultChild as CfnResource;
        return permissionsOf(synthesized.template, logicalId(role)).some((p) => p.action.startsWith('secretsmanager:'));
      })
      .map((spec) => spec.id)
      .sort();
    expect(readers).toEqual(pagingFunctions());
    for (const id of readers) {
      const role = synthesized.stack.functions.get(id)!.role.node.defaultChild as CfnResource;
      const onSecrets = permissionsOf(synthesized.template, logicalId(role)).filter((p) =>
        p.action.startsWith('secretsmanager:'),
      );
      expect({ id, onSecrets }).toEqual({
        id,
        onSecrets: [{ action: 'secretsmanager:GetSecretValue', resource: JSON.stringify({ Ref: secretId }) }],
      });
    }
  });

  it('is no role’s but theirs: nothing else in the stack is granted anything on the secret', () => {
    const pagingRoles = new Set(
      pagingFunctions().map((id) =>
        logicalId(synthesized.stack.functions.get(id)!.role.node.defaultChild as CfnResource),
      ),
    );
    const roles = Object.entries(resources())
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .map(([id]) => id);
    const granted = roles.filter((role) =>
      permissionsOf(synthesized.template, role).some(
        (p) => p.action.startsWith('secretsmanager:') || p.resource.includes(secretId),
      ),
    );
    expect(granted.sort()).toEqual([...pagingRoles].sort());
  });

  it('reaches the paging functions as its ARN, never as its value', () => {
    const withSecret = MANIFEST.functions
      .map((spec) => {
        const fn = synthesized.stack.functions.get(spec.id)!.function.node.defaultChild as CfnResource;
        const variables = (resources()[logicalId(fn)]!.Properties.Environment as { Variables: Record<string, unknown> })
          .Variables;
        return [spec.id, variables.CURSOR_SECRET_ARN] as const;
      })
      .filter(([, arn]) => arn !== undefined);
    expect(Object.fromEntries(withSecret)).toEqual(
      Object.fromEntries(pagingFunctions().map((id) => [id, { Ref: secretId }])),
    );
    expect(JSON.stringify(synthesized.template.toJSON())).not.toContain('resolve:secretsmanager');
  });

  it('leaves cdk-nag clean: its one acknowledgement (no scheduled rotation) on the secret alone, saying what rotating does', () => {
    expect(synthesized.nagFindings).toEqual([]);
    const onSecret = synthesized.stack.nagAcknowledgements.filter((a) => a.path.includes('/CursorKey'));
    expect(onSecret).toEqual([
      {
        path: synthesized.stack.cursorKey.secret.node.path,
        id: 'AwsSolutions-SMG4',
        reason: expect.stringMatching(/ends every cursor open at the time/),
      },
    ]);
  });
});
