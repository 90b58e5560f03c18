import { RemovalPolicy } from 'aws-cdk-lib';
import type { ScalarAttributeType } from '@aws-sdk/client-dynamodb';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { createTableInput, TABLE } from '#store/table';

const ATTRIBUTE_TYPES: Record<ScalarAttributeType, AttributeType> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};

export interface CaseTableProps {
  deletionProtection: boolean;
}

/**
 * The one table, built from the same definition (`functions/store/table.ts`) DynamoDB Local gets in the
 * local stack, so keys and indexes cannot drift between the two.
 */
export class CaseTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: CaseTableProps) {
    super(scope, id);
    const definition = createTableInput('definition');
    const typeOf = (name: string): AttributeType => {
      const declared = definition.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
      if (!declared) throw new Error(`table definition declares no type for ${name}`);
      return ATTRIBUTE_TYPES[declared];
    };
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: typeOf(TABLE.partitionKey) },
      sortKey: { name: TABLE.sortKey, type: typeOf(TABLE.sortKey) },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE.ttlAttribute,
      deletionProtection: props.deletionProtection,
      // Case histories are evidence: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const [hash, range] = index.KeySchema ?? [];
      if (!index.IndexName || !hash?.AttributeName || !range?.AttributeName)
        throw new Error('table definition has an incomplete index');
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: { name: hash.AttributeName, type: typeOf(hash.AttributeName) },
        sortKey: { name: range.AttributeName, type: typeOf(range.AttributeName) },
        ...(index.Projection?.ProjectionType === 'KEYS_ONLY'
          ? { projectionType: ProjectionType.KEYS_ONLY }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: index.Projection?.NonKeyAttributes ?? [] }),
      });
    }
  }

  /** The exact index ARNs, so Query grants name each index instead of `index/*`. */
  indexArns(): string[] {
    return Object.values(TABLE.indexes).map((index) => `${this.table.tableArn}/index/${index.name}`);
  }
}
