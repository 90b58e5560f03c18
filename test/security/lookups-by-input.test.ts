import fc from 'fast-check';
import { principalOf } from '#api/auth';
import { lowerCaseHeaders } from '#api/http';
import { DEFAULT_POLICY, resolvePolicy } from '#domain/policy';
import { MAIL_KINDS } from '#domain/mail-vocabulary';
import { ROLES } from '#domain/vocabulary';
import { officeAddresses, recipientsFor } from '#mail/recipients';
import { readSurvey } from '#domain/survey-file';
import { seedSubmission } from '../fixtures/submissions';
import { RECIPIENTS } from '../mail/harness';

/**
 * Every lookup keyed by what people type finds only the entries it was given: a sub-district, a
 * community, a group, a spreadsheet word or a policy key named `constructor`, `__proto__`, `toString`…
 * is a name like any other. Found by an attack: a case reported in sub-district "constructor" found
 * `Object.prototype.constructor` as its office's addresses and stopped its workflow.
 */
const INHERITED_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
];
/** Free text with an inherited name now and then, padded the way people type it. */
const keyText = fc.oneof(
  fc.constantFrom(...INHERITED_NAMES),
  fc.constantFrom(...INHERITED_NAMES).map((name) => ` ${name} `),
  fc.string({ minLength: 1, maxLength: 20 }),
);

describe('mail recipients by sub-district', () => {
  it('an unconfigured sub-district, whatever its name, gets the fallback office; every kind a list of addresses', () => {
    fc.assert(
      fc.property(keyText, keyText, fc.constantFrom(...MAIL_KINDS), (subdistrict, community, kind) => {
        fc.pre(subdistrict.trim() !== '小龙坎街道');
        const location = { ...seedSubmission().location, subdistrict, community };
        expect(officeAddresses(RECIPIENTS, { location })).toEqual(RECIPIENTS.fallback);
        const to = recipientsFor(RECIPIENTS, kind, {
          location,
          responsibleParty: { name: '张某', phone: '13800000000' },
        });
        expect(Array.isArray(to)).toBe(true);
        for (const address of to) expect(typeof address).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});

describe('policy overrides', () => {
  it.each(INHERITED_NAMES)(
    'a key named %s, at the top or nested, is refused by name or left out, and changes no prototype',
    (name) => {
      const places = [
        `{"${name}": {"amount": 1}}`,
        `{"noticeDeadline": {"${name}": {"minor": {"amount": 1, "unit": "calendar-days"}}}}`,
        `{"noticeDeadline": {"other": {"${name}": 3}}}`,
      ];
      for (const place of places) {
        const verdict = (() => {
          try {
            return { policy: resolvePolicy(JSON.parse(place)) };
          } catch (error) {
            return {
              refusedKeys: ((error as { issues?: { code: string; keys?: string[] }[] }).issues ?? []).flatMap((i) =>
                i.code === 'unrecognized_keys' ? (i.keys ?? []) : [],
              ),
            };
          }
        })();
        expect([{ policy: DEFAULT_POLICY }, { refusedKeys: [name] }]).toContainEqual(verdict);
      }
      expect(
        resolvePolicy(JSON.parse('{"noticeDeadline": {"other": {"minor": {"amount": 9, "unit": "calendar-days"}}}}'))
          .noticeDeadline.other.minor,
      ).toEqual({ amount: 9, unit: 'calendar-days' });
      expect(({} as Record<string, unknown>).amount).toBeUndefined();
      expect(Object.getPrototypeOf(DEFAULT_POLICY)).toBe(Object.prototype);
    },
  );
});

describe('survey spreadsheet words', () => {
  it.each(INHERITED_NAMES)(
    'a category, severity or material cell reading %s is refused as that field, not read as a function',
    async (name) => {
      const header = '街道,社区,地址,类别,严重程度,情况描述,面积,层数,结构,当事人,联系电话,上报人,发现日期';
      const row = `小龙坎街道,解放坡社区,上土湾1号,${name},${name},加建,20,1,${name},张某,13800000000,李四,2026-11-20`;
      const survey = await readSurvey(Buffer.from(`${header}\n${row}\n`, 'utf8'), new Date('2026-11-25T00:00:00Z'));
      expect(survey.rows).toEqual([]);
      const fields = survey.errors.map((e) => e.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          expect.stringContaining('category'),
          expect.stringContaining('severity'),
          expect.stringContaining('material'),
        ]),
      );
      for (const error of survey.errors) expect(error.reason).not.toMatch(/function/i);
    },
  );
});

describe('groups and headers', () => {
  it('no group name but a role’s own grants that role', () => {
    fc.assert(
      fc.property(fc.array(keyText, { maxLength: 5 }), (groups) => {
        fc.pre(!groups.some((g) => (ROLES as readonly string[]).includes(g.trim())));
        const principal = principalOf({
          requestContext: { authorizer: { claims: { sub: 'someone', token_use: 'id', 'cognito:groups': groups } } },
          headers: {},
        } as never);
        expect(principal?.roles).toEqual([]);
      }),
    );
  });

  it('a header named like an inherited property is a header like any other', () => {
    for (const name of INHERITED_NAMES) {
      const headers = lowerCaseHeaders({ headers: { [name]: 'x', 'Content-Type': 'application/json' } });
      expect(Object.keys(headers).sort()).toEqual([name.toLowerCase(), 'content-type'].sort());
      expect(headers['idempotency-key']).toBeUndefined();
    }
  });
});
