import { parseConfig } from '#infra/config';
import { cdkJsonContext, createRectifyApp } from '#infra/rectify-app';

const minimal = {
  stage: 'prod',
  region: 'ap-southeast-1',
  senderAddress: 'rectify@example.gov.cn',
  fallbackRecipients: ['district@example.gov.cn'],
};

describe('the deployment configuration', () => {
  it('fills every optional value with its documented default', () => {
    expect(parseConfig(minimal)).toEqual({
      ...minimal,
      importSenderIdentity: false,
      escalationRecipients: {},
      issuingOffices: {},
      deletionProtection: true,
      retainData: true,
      policy: {},
      calendarYears: [],
      mfa: 'required',
      logRetentionDays: 180,
      apiRateLimit: 50,
      apiBurstLimit: 100,
      waf: true,
      wafRatePerIp: 3000,
      logLevel: 'INFO',
      evidenceRetentionDays: 10_950,
      digestRetentionDays: 10_950,
      evidenceArchiveAfterDays: 365,
    });
  });

  it('reads objects, lists, numbers and booleans given as text on the command line', () => {
    const config = parseConfig({
      ...minimal,
      escalationRecipients: '{"小龙坎街道":["office@xiaolongkan.example.gov.cn"]}',
      issuingOffices: '{"小龙坎街道":{"name":"重庆市沙坪坝区小龙坎街道办事处"}}',
      fallbackRecipients: 'district@example.gov.cn',
      corsOrigins: 'https://rectify.example.gov.cn',
      deletionProtection: 'false',
      policy: '{"persuasion":{"amount":10,"unit":"calendar-days"}}',
      logRetentionDays: '365',
      apiRateLimit: '20',
      apiBurstLimit: '40',
    });
    expect(config).toEqual(
      expect.objectContaining({
        escalationRecipients: { 小龙坎街道: ['office@xiaolongkan.example.gov.cn'] },
        issuingOffices: { 小龙坎街道: { name: '重庆市沙坪坝区小龙坎街道办事处' } },
        fallbackRecipients: ['district@example.gov.cn'],
        corsOrigins: ['https://rectify.example.gov.cn'],
        deletionProtection: false,
        policy: { persuasion: { amount: 10, unit: 'calendar-days' } },
        logRetentionDays: 365,
        apiRateLimit: 20,
        apiBurstLimit: 40,
      }),
    );
  });

  it.each([
    ['stage', { stage: 'Prod!' }, /stage: lower-case letters/],
    ['senderAddress', { senderAddress: 'not-an-address' }, /senderAddress: /],
    ['fallbackRecipients', { fallbackRecipients: [] }, /fallbackRecipients: /],
    [
      'escalationRecipients',
      { escalationRecipients: { 小龙坎街道: ['nobody'] } },
      /escalationRecipients\.小龙坎街道\.0: /,
    ],
    [
      'issuingOffices',
      { escalationRecipients: { 井口街道: ['office@jingkou.example.gov.cn'] } },
      /issuingOffices\.井口街道: is required: the workflow issues documents for 井口街道/,
    ],
    [
      'issuingOffices name',
      {
        escalationRecipients: { 井口街道: ['office@jingkou.example.gov.cn'] },
        issuingOffices: { 井口街道: { name: '' } },
      },
      /issuingOffices\.井口街道\.name: must not be empty/,
    ],
    ['policy', { policy: { persuasion: { amount: -1, unit: 'calendar-days' } } }, /policy\.persuasion\.amount: /],
    ['policy keys', { policy: { deadline: 3 } }, /policy: .*deadline/],
    [
      'calendarYears',
      { calendarYears: [{ year: 2027, holidays: { 'May Day': '劳动节' }, workdays: {} }] },
      /calendarYears\.0\.holidays/,
    ],
    ['logRetentionDays', { logRetentionDays: 100 }, /logRetentionDays: one of/],
    ['apiBurstLimit', { apiRateLimit: 100, apiBurstLimit: 10 }, /apiBurstLimit: must be at least apiRateLimit/],
    [
      'senderIdentity (domain)',
      { senderIdentity: 'other.example.gov.cn' },
      /senderAddress: must be an address of the identity's domain other\.example\.gov\.cn/,
    ],
    [
      'senderIdentity (address)',
      { senderIdentity: 'someone@example.gov.cn' },
      /senderIdentity: an address identity must be the sender address itself/,
    ],
  ])('names the bad key: %s', (_label, change, message) => {
    expect(() => parseConfig({ ...minimal, ...change })).toThrow(message);
  });

  it('refuses, before anything is deployed, a policy under which a phase could outlive one workflow execution', () => {
    const tooLong = { litigationWindow: { amount: 12, unit: 'months' } };
    expect(() => parseConfig({ ...minimal, policy: tooLong })).toThrow(
      /policy: policy makes a workflow phase too long for one execution .*enforcement \d+ days/,
    );
    // The synth reads the same configuration: the app is never built with such a policy.
    expect(() =>
      createRectifyApp({
        nag: false,
        cloudFormationValidation: false,
        context: { ...cdkJsonContext(), policy: tooLong },
      }),
    ).toThrow(/too long for one execution/);
  });

  it('accepts a sender on the identity domain or a subdomain of it', () => {
    expect(parseConfig({ ...minimal, senderIdentity: 'example.gov.cn' }).senderIdentity).toBe('example.gov.cn');
    expect(
      parseConfig({ ...minimal, senderAddress: 'rectify@mail.example.gov.cn', senderIdentity: 'example.gov.cn' })
        .senderAddress,
    ).toBe('rectify@mail.example.gov.cn');
  });

  it.each([
    [
      'ap-east-1',
      /region: ap-east-1 cannot host Rectify: SES .* is not offered there\. Regions that can: .*ap-southeast-1/,
    ],
    ['cn-north-1', /region: cn-north-1 cannot host Rectify: Cognito user pools and SES/],
    [
      'mars-north-1',
      /region: mars-north-1 cannot host Rectify: it is not one where the stack was checked\. Regions that can: af-south-1, /,
    ],
  ])('refuses region %s, saying what it lacks and which regions work', (region, message) => {
    expect(() => parseConfig({ ...minimal, region })).toThrow(message);
  });

  it('needs the region in the configuration, not from the shell', () => {
    const { region: _omitted, ...withoutRegion } = minimal;
    expect(() => parseConfig(withoutRegion)).toThrow(/region: /);
    const { stack } = createRectifyApp({
      nag: false,
      cloudFormationValidation: false,
      bundle: false,
      context: { ...cdkJsonContext(), region: 'eu-central-1' },
    });
    expect(stack.region).toBe('eu-central-1');
  });

  it('is complete in cdk.json, so `npm run synth` needs no arguments', () => {
    expect(() => parseConfig(cdkJsonContext())).not.toThrow();
  });
});
