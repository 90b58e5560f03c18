import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ArnFormat, Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PARTITION_SUBSTITUTION } from '#workflow/asl';
import { PROJECT_ROOT } from '../bundling';
import type { WorkflowSpec } from '../manifest-types';

/** `${Name}` placeholders of an ASL file for task functions (the partition is filled by the stack itself). */
export function substitutionNames(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] as string))]
    .filter((name) => name !== PARTITION_SUBSTITUTION)
    .sort();
}

export function stateMachineName(stage: string, spec: WorkflowSpec): string {
  return `rectify-${stage}-${spec.name}`;
}

function stateMachineLogGroupName(stage: string, spec: WorkflowSpec): string {
  return `/aws/vendedlogs/states/${stateMachineName(stage, spec)}`;
}

/**
 * The state machine's ARN built from its fixed name. Functions that start executions get this string
 * instead of a reference to the state machine, which itself references the task functions: a reference
 * would make the state machine and those functions depend on each other.
 */
export function stateMachineArnFor(scope: Construct, stage: string, spec: WorkflowSpec): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName(stage, spec),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** `arn:…:execution:<state machine name>:*` — every execution of the state machine, for StopExecution. */
export function executionArnPatternFor(scope: Construct, stage: string, spec: WorkflowSpec): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stateMachineName(stage, spec)}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

export interface CaseWorkflowProps {
  stage: string;
  spec: WorkflowSpec;
  /** Substitution name → the task function it names. */
  tasks: ReadonlyMap<string, IFunction>;
  logRetention: RetentionDays;
}

/**
 * The case workflow, loaded unchanged from the ASL file the local engine also runs. Its role may invoke
 * the task functions it names and nothing else.
 */
export class CaseWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  readonly definition: string;

  constructor(scope: Construct, id: string, props: CaseWorkflowProps) {
    super(scope, id);
    this.definition = readFileSync(path.join(PROJECT_ROOT, props.spec.definition), 'utf8');
    const expected = substitutionNames(this.definition);
    const provided = [...props.tasks.keys()].sort();
    const missing = expected.filter((name) => !props.tasks.has(name));
    const unused = provided.filter((name) => !expected.includes(name));
    if (missing.length || unused.length) {
      throw new Error(
        `${props.spec.definition} and the function manifest disagree: ` +
          [
            missing.length ? `no task function for \${${missing.join('}, ${')}}` : '',
            unused.length ? `not referenced by the workflow: ${unused.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; '),
      );
    }
    // Log delivery adds each log group to one account-wide resource policy of limited size, unless the
    // group's name starts with /aws/vendedlogs/, which that policy covers with one entry.
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: stateMachineLogGroupName(props.stage, props.spec),
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: stateMachineName(props.stage, props.spec),
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(this.definition),
      definitionSubstitutions: {
        ...Object.fromEntries([...props.tasks].map(([name, fn]) => [name, fn.functionArn])),
        [PARTITION_SUBSTITUTION]: Aws.PARTITION,
      },
      // Every state transition is logged for operators to follow a case, but never the input and output:
      // they carry the responsible party's name, phone and address.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    // The ASL calls each function by its unqualified ARN, so that ARN is all the role needs.
    const taskArns = [...new Set([...props.tasks.values()].map((fn) => fn.functionArn))];
    if (taskArns.length)
      this.stateMachine.addToRolePolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: taskArns }),
      );
  }
}
