/** Netux request bodies (zod/mini). Unknown keys are ignored, as the vendor does. */
import * as z from 'zod/mini';

import { LABEL_PATTERN, LABEL_RULE } from '#shared/labels.ts';
import { unstorableJsonReason } from '#shared/storable-json.ts';

const label = z.string().check(z.regex(LABEL_PATTERN, LABEL_RULE));
const imageUrl = z.union([z.url({ message: 'Enter a valid URL.' }), z.null()]);

export const organizationFields = z.object({
  label: z.optional(label),
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
  description: z.optional(z.string().check(z.maxLength(10_000))),
  favicon: z.optional(imageUrl),
  logo: z.optional(imageUrl),
  properties: z.optional(
    z.record(z.string(), z.unknown()).check(
      z.refine((value) => JSON.stringify(value).length <= 100_000, 'Properties may hold at most 100,000 characters of JSON.'),
      z.superRefine((value, ctx) => {
        const reason = unstorableJsonReason(value);
        if (reason) ctx.addIssue({ code: 'custom', message: reason, input: value });
      }),
    ),
  ),
  isActive: z.optional(z.boolean()),
  app: z.optional(z.nullable(z.string().check(z.minLength(1)))),
});

/** Full update (PUT) and bulk create: `label` is required. */
export const fullOrganization = z.extend(organizationFields, { label });

/**
 * Create (POST): `label`, or a `name` to derive it from (the official ubidots-cli sends only `name`);
 * with neither, `label` is the missing field.
 */
export const newOrganization = organizationFields.check(
  z.superRefine((fields, ctx) => {
    if (fields.label === undefined && fields.name === undefined) {
      ctx.addIssue({ code: 'custom', path: ['label'], message: 'This field is required.', input: fields });
    }
  }),
);

const itemId = z.string().check(z.minLength(1), z.maxLength(200));

export const bulkItemSchemas = {
  update: z.extend(organizationFields, { id: itemId }),
  replace: z.extend(fullOrganization, { id: itemId }),
  create: fullOrganization,
  delete: z.union([itemId, z.object({ id: itemId })], { message: 'Expected an id, "~label" or {"id": …}.' }),
};
