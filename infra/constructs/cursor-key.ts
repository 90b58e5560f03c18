import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface CursorKeyProps {
  stage: string;
}

/**
 * The key every paging function seals its cursors with (functions/app/cursor-seal.ts): a secret Secrets
 * Manager generates at deployment, so no person ever sees or types it, and every instance of every paging
 * function reads the same one. Encrypted with the account's Secrets Manager key, as the table is with its
 * AWS-managed key: the secret protects only list positions, never stored data. Deleting it loses nothing
 * but the cursors open at the time, so it goes with the stack.
 */
export class CursorKey extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: CursorKeyProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      secretName: `rectify-${props.stage}-cursor-key`,
      description: `Rectify ${props.stage}: the key that seals list and history cursors (rotating it only ends the cursors open at the time)`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
  }

  /** Reading the secret's value and nothing else: no DescribeSecret, no other secret, no write. */
  grantRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
    );
  }
}
