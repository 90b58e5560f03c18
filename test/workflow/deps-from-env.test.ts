import { mailerFromEnv } from '#mail/from-env';
import { deadlineRulesFromEnv } from '#shared/deadline-rules';
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

describe('task dependencies from the environment (cold start)', () => {
  it('builds only what the entry’s ports build: no mailer, engine, policy or calendar for a task that needs none', () => {
    const deps = taskDepsFromEnv({}, base);
    expect(Object.keys(deps).sort()).toEqual(['clock', 'logger', 'store']);
  });

  it('builds the Step Functions engine for a function that starts executions or answers callbacks', () => {
    expect(taskDepsFromEnv({ engine: workflowEngineFromEnv }, { ...base, ...stateMachine }).engine).toBeInstanceOf(
      AwsWorkflowEngine,
    );
    expect(() => taskDepsFromEnv({ engine: workflowEngineFromEnv }, base)).toThrow(/STATE_MACHINE_ARN/);
  });

  it('fails the cold start of a mail-sending function without its recipients, naming the variable', () => {
    expect(() => taskDepsFromEnv({ mailer: mailerFromEnv }, base)).toThrow(/MAIL_RECIPIENTS_JSON/);
    expect(taskDepsFromEnv({ mailer: mailerFromEnv }, { ...base, ...mail }).mailer).toBeDefined();
  });

  it('names a missing table or a malformed policy', () => {
    expect(() => taskDepsFromEnv({}, {})).toThrow(/TABLE_NAME/);
    expect(() =>
      taskDepsFromEnv(
        { deadlines: deadlineRulesFromEnv },
        { ...base, POLICY_JSON: '{"urgePeriod": {"amount": -1, "unit": "calendar-days"}}' },
      ),
    ).toThrow(/POLICY_JSON/);
    expect(() => taskDepsFromEnv({ deadlines: deadlineRulesFromEnv }, { ...base, POLICY_JSON: 'not json' })).toThrow(
      /POLICY_JSON is not valid JSON/,
    );
  });

  it('reads the statutory policy by default and adds configured calendar years', () => {
    const year2027 = { year: 2027, holidays: { '2027-01-01': '元旦' }, workdays: {} };
    const deps = taskDepsFromEnv(
      { deadlines: deadlineRulesFromEnv },
      { ...base, CALENDAR_JSON: JSON.stringify([year2027]) },
    );
    expect(deps.policy?.urgePeriod).toEqual({ amount: 10, unit: 'working-days' });
    expect(deps.calendar?.hasPublishedYear(2027)).toBe(true);
    expect(deps.calendar?.isWorkingDay('2027-01-01')).toBe(false);
  });
});
