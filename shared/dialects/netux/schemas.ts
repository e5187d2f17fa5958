/** Netux request bodies (zod). Unknown keys are ignored, as the vendor does. */
import * as z from 'zod';
import { labelSchema } from '../../seed/schema.ts';

const imageUrl = z.union([z.url({ message: 'Enter a valid URL.' }), z.null()]);

export const organizationFields = z.object({
  label: labelSchema.optional(),
  name: z.string().min(1).max(255).optional(),
  description: z.string().max(10_000).optional(),
  favicon: imageUrl.optional(),
  logo: imageUrl.optional(),
  properties: z
    .record(z.string(), z.unknown())
    .refine((value) => JSON.stringify(value).length <= 100_000, 'Properties may hold at most 100,000 characters of JSON.')
    .optional(),
  isActive: z.boolean().optional(),
  app: z.string().min(1).nullable().optional(),
});

/** Create and full update (PUT): `label` is required. */
export const fullOrganization = organizationFields.extend({ label: labelSchema });

const itemId = z.string().min(1).max(200);

export const bulkItemSchemas = {
  update: organizationFields.extend({ id: itemId }),
  replace: fullOrganization.extend({ id: itemId }),
  create: fullOrganization,
  delete: z.union([itemId, z.object({ id: itemId })], { message: 'Expected an id, "~label" or {"id": …}.' }),
};
