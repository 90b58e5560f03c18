import { mailerFromEnv } from '#mail/from-env';
import { taskDepsFromEnv } from '#tasks/deps-from-env';
import { AwsWorkflowEngine, workflowEngineFromEnv } from '#workflow/aws-engine';

const base = { TABLE_NAME: 'rectify-cases' };
const mail = {
  MAIL_RECIPIENTS_JSON: JSON.stringify({
    from: 'rectify@example.gov.cn',
    subdistricts: { 小龙坎街道: ['xlk@example.gov.cn'] },
    fallback: ['office@example.gov.cn'],
  }),
};
const stateMachine = { STATE_MACHINE_ARN: 'arn:aws:states:ap-east-1:123456789012:stateMachine:rectify-case-lifecycle' };

/** Every port, as the entry of a task that sends mail and starts executions builds them. */
const allPorts = { mailer: mailerFromEnv, engine: workflowEngineFromEnv };

describe('task dependencies from the environment (cold start)', () => {
  it('builds only what a function may use: no mail configuration or state machine for a function that needs neither', async () => {
    for (const deps of [taskDepsFromEnv({}, base)]) {
      await expect(deps.mailer.deliver({ kind: 'reminder', occasion: 'x', caseRecord: {} as never })).rejects.toThrow(
        /not given mail/,
      );
      await expect(
        deps.engine.startExecution({ caseId: 'C-20261129-7K3M2Q', phase: 'intake', round: 1 }),
      ).rejects.toThrow(/not given the workflow engine/);
      expect(deps.policy.urgePeriod).toEqual({ amount: 10, unit: 'calendar-days' });
    }
  });

  it('builds the Step Functions engine for a function that starts executions or answers callbacks', () => {
    expect(taskDepsFromEnv(allPorts, { ...base, ...stateMachine, ...mail }).engine).toBeInstanceOf(AwsWorkflowEngine);
    expect(taskDepsFromEnv({ engine: workflowEngineFromEnv }, { ...base, ...stateMachine }).engine).toBeInstanceOf(
      AwsWorkflowEngine,
    );
    expect(() => taskDepsFromEnv({ engine: workflowEngineFromEnv }, base)).toThrow(/STATE_MACHINE_ARN/);
  });

  it('fails the cold start of a mail-sending function without its recipients, naming the variable', () => {
    expect(() => taskDepsFromEnv({ mailer: mailerFromEnv }, base)).toThrow(/MAIL_RECIPIENTS_JSON/);
    expect(() => taskDepsFromEnv({ mailer: mailerFromEnv }, { ...base, ...mail })).not.toThrow();
  });

  it('names a missing table or a malformed policy', () => {
    expect(() => taskDepsFromEnv({}, {})).toThrow(/TABLE_NAME/);
    expect(() =>
      taskDepsFromEnv({}, { ...base, POLICY_JSON: '{"urgePeriod": {"amount": -1, "unit": "calendar-days"}}' }),
    ).toThrow(/POLICY_JSON/);
    expect(() => taskDepsFromEnv({}, { ...base, POLICY_JSON: 'not json' })).toThrow(/POLICY_JSON is not valid JSON/);
  });

  it('adds configured calendar years', () => {
    const year2027 = { year: 2027, holidays: { '2027-01-01': '元旦' }, workdays: {} };
    const deps = taskDepsFromEnv({}, { ...base, CALENDAR_JSON: JSON.stringify([year2027]) });
    expect(deps.calendar.hasPublishedYear(2027)).toBe(true);
    expect(deps.calendar.isWorkingDay('2027-01-01')).toBe(false);
  });
});
