import { makeMailFailureLog } from '#app/mail-failures';
import { systemClock } from '#domain/clock';
import { CaseStore } from '#store/case-store';
import { MessageRejected, SESServiceException } from '@aws-sdk/client-ses';
import { SESClient } from '@aws-sdk/client-ses';
import { mailerFromEnv } from '#mail/from-env';
import { mailRecipientsFromEnv, officeAddresses, parseMailRecipients, recipientsFor } from '#mail/recipients';
import { classifySendError } from '#mail/send-errors';
import { SesMailer } from '#mail/ses-mailer';
import { documentClient } from '#shared/aws-clients';
import { RECIPIENTS } from './harness';

const CASE = {
  location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '隆庆楼16号' },
  responsibleParty: { name: '张某', phone: '13800138000', email: 'zhang@example.cn' },
};

describe('mail configuration', () => {
  const env = (json: unknown, extra: Record<string, string> = {}) => ({
    MAIL_RECIPIENTS_JSON: typeof json === 'string' ? json : JSON.stringify(json),
    TABLE_NAME: 'rectify-test',
    ...extra,
  });

  it('a missing configuration is a startup error that says what to set', () => {
    expect(() => mailRecipientsFromEnv({})).toThrow(/MAIL_RECIPIENTS_JSON is required/);
    expect(() => mailerFromEnv({ TABLE_NAME: 'rectify-test' })).toThrow(/MAIL_RECIPIENTS_JSON is required/);
  });

  it('an invalid configuration names the bad field', () => {
    expect(() => mailRecipientsFromEnv(env('{not json'))).toThrow(
      'invalid environment: MAIL_RECIPIENTS_JSON is not valid JSON',
    );
    expect(() => mailRecipientsFromEnv(env({ ...RECIPIENTS, fallback: [] }))).toThrow(
      /MAIL_RECIPIENTS_JSON: fallback: must list at least one address/,
    );
    expect(() =>
      mailRecipientsFromEnv(env({ ...RECIPIENTS, subdistricts: { 小龙坎街道: ['not-an-address'] } })),
    ).toThrow(/subdistricts\.小龙坎街道\.0: must be an email address/);
    expect(() => mailRecipientsFromEnv(env({ ...RECIPIENTS, bySubdistrict: {} }))).toThrow(/bySubdistrict/);
    expect(() => mailRecipientsFromEnv(env({ ...RECIPIENTS, from: undefined }))).toThrow(
      /the sender is missing: set MAIL_FROM/,
    );
    expect(() => parseMailRecipients({ fallback: ['a@b.cn'] })).toThrow(
      /invalid mail recipients configuration: from: .*subdistricts:/,
    );
  });

  it('the sender may come from MAIL_FROM', () => {
    const config = mailRecipientsFromEnv(
      env({ ...RECIPIENTS, from: undefined }, { MAIL_FROM: 'noreply@example.gov.cn' }),
    );
    expect(config.from).toBe('noreply@example.gov.cn');
  });

  it('building a mailer with a bad configuration fails at once, not on the first email', () => {
    const deps = {
      doc: documentClient(),
      tableName: 't',
      ses: new SESClient({}),
      consoleUrl: 'http://localhost:3000/console',
      failures: makeMailFailureLog({ store: new CaseStore(documentClient(), 't'), clock: systemClock }),
    };
    expect(() => new SesMailer({ ...deps, recipients: undefined })).toThrow(/invalid mail recipients configuration/);
    expect(() => new SesMailer({ ...deps, recipients: RECIPIENTS, consoleUrl: 'not a url' })).toThrow(
      /consoleUrl must be a URL/,
    );
    expect(new SesMailer({ ...deps, recipients: RECIPIENTS })).toBeInstanceOf(SesMailer);
    // No console configured: a mailer without links.
    const { consoleUrl: _none, ...withoutConsole } = deps;
    expect(new SesMailer({ ...withoutConsole, recipients: RECIPIENTS })).toBeInstanceOf(SesMailer);
  });

  it('a Lambda entry builds its mailer from the environment', () => {
    const mailer = mailerFromEnv(
      env(RECIPIENTS, {
        CONSOLE_URL: 'https://rectify.example.gov.cn/console',
        MAIL_CONFIGURATION_SET: 'rectify-prod',
      }),
    );
    expect(mailer).toBeInstanceOf(SesMailer);
  });
});

describe('recipients', () => {
  const config = parseMailRecipients(RECIPIENTS);

  it('the office of the case’s sub-district, or the fallback', () => {
    expect(officeAddresses(config, CASE)).toEqual(['xlk-jdb@example.gov.cn', 'xlk-cgk@example.gov.cn']);
    expect(officeAddresses(config, { location: { ...CASE.location, subdistrict: '井口街道' } })).toEqual([
      'weijian@example.gov.cn',
    ]);
  });

  it('the party only for its notice, and only with an email', () => {
    expect(recipientsFor(config, 'notice-to-party', CASE)).toEqual(['zhang@example.cn']);
    expect(
      recipientsFor(config, 'notice-to-party', { ...CASE, responsibleParty: { name: '刘某', phone: '13900139000' } }),
    ).toEqual([]);
    expect(recipientsFor(config, 'escalation', CASE)).not.toContain('zhang@example.cn');
  });

  it('alerts also go to operations, without sending anyone two copies', () => {
    const overlapping = parseMailRecipients({
      ...RECIPIENTS,
      alerts: ['OPS@example.gov.cn', 'XLK-JDB@example.gov.cn'],
    });
    expect(recipientsFor(overlapping, 'workflow-failure', CASE)).toEqual([
      'xlk-jdb@example.gov.cn',
      'xlk-cgk@example.gov.cn',
      'OPS@example.gov.cn',
    ]);
  });
});

describe('what a failed send means', () => {
  it.each([
    // SES (the Query API) answers a throttled send with HTTP 400 and the code Throttling.
    [
      'throttled',
      new SESServiceException({
        name: 'Throttling',
        $fault: 'client',
        message: 'Maximum sending rate exceeded.',
        $metadata: { httpStatusCode: 400 },
      }),
      'retry',
    ],
    [
      'service unavailable',
      Object.assign(new Error('unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }),
      'retry',
    ],
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8005'), { code: 'ECONNREFUSED' }),
      'retry',
    ],
    [
      'connection refused, wrapped',
      new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:8005'),
      'retry',
    ],
    [
      'no connection in time',
      Object.assign(
        new Error(
          'the request socket did not establish a connection with the server within the configured timeout of 2000 ms.',
        ),
        { name: 'TimeoutError' },
      ),
      'retry',
    ],
    [
      'rejected',
      new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } }),
      'permanent',
    ],
    [
      'another 4xx',
      Object.assign(new Error('bad'), { name: 'SomethingElse', $metadata: { httpStatusCode: 400 } }),
      'permanent',
    ],
    [
      'no answer in time',
      Object.assign(new Error('a request has exceeded the configured 5000 ms requestTimeout.'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      }),
      'ambiguous',
    ],
    ['connection reset mid-request', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'ambiguous'],
    [
      'internal error',
      Object.assign(new Error('oops'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }),
      'ambiguous',
    ],
  ])('%s → %s', (_label, error, expected) => {
    expect(classifySendError(error)).toBe(expected);
  });
});
