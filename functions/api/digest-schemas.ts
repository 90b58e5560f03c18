import * as z from 'zod';
import { caseId } from '#domain/schemas';

/** `GET /digests/verification`: where to go on from, when the previous answer ran out of time. */
export const digestVerificationQuery = z.strictObject({
  after: caseId
    .optional()
    .meta({ description: 'Check the anchored cases after this id (the `lastCaseId` of an incomplete answer).' }),
});

export const digestWrittenSchema = z.object({
  written: z.boolean().meta({ description: 'False when a digest already covered the period: nothing was written.' }),
  key: z.string().meta({ description: 'The digest in the digest bucket, e.g. digests/000000042.json.' }),
  sequence: z.number().int().meta({ description: "The digest's place in the chain, from 1." }),
  periodStart: z.string().nullable(),
  periodEnd: z.string(),
  heads: z.number().int().meta({ description: 'Chain heads the digest anchors.' }),
});

export const digestVerificationSchema = z.object({
  ok: z.boolean().meta({ description: 'Every digest holds and every case checked matches what was anchored.' }),
  digests: z.object({
    stored: z.number().int(),
    verified: z.number().int().meta({ description: 'Digests whose signature and link to the previous one hold.' }),
    latestPeriodEnd: z
      .string()
      .optional()
      .meta({ description: 'Where the chain ends: a chain that stops long before today has lost its latest digests.' }),
    items: z
      .array(
        z.object({
          key: z.string(),
          holds: z.boolean().meta({ description: 'Its signature and its link to the previous digest hold.' }),
          sequence: z.number().int().optional(),
          periodStart: z.string().nullable().optional(),
          periodEnd: z.string().optional(),
          writtenAt: z.string().optional(),
          heads: z.number().int().optional().meta({ description: 'Chain heads the digest anchors.' }),
        }),
      )
      .meta({
        description:
          'Every stored digest in chain order, with what its signed file says; one whose signature fails is named by its key alone.',
      }),
  }),
  digestProblems: z
    .array(z.object({ key: z.string(), reason: z.string() }))
    .meta({ description: 'Digests altered (the signature fails), removed or replaced (a link fails).' }),
  cases: z.object({
    checked: z.number().int(),
    complete: z
      .boolean()
      .meta({ description: 'False when time ran out: ask again with after=lastCaseId for the rest.' }),
    lastCaseId: z.string().optional(),
  }),
  rewritten: z
    .array(
      z.object({
        caseId: z.string(),
        anchored: z.object({ seq: z.number().int(), hash: z.string(), digest: z.string(), writtenAt: z.string() }),
        reason: z.string(),
      }),
    )
    .meta({ description: 'Each case whose history or head no longer matches the head a signed digest anchored.' }),
});

export const digestPublicKeySchema = z.object({
  algorithm: z.literal('ECDSA_SHA_256'),
  curve: z.literal('P-256'),
  publicKeyPem: z.string().meta({ description: 'SPKI PEM: checks every digest signature offline (docs/digests.md).' }),
});
