/** PUT /api/v2.0/organizations/{key}/ — full update: label required, absent fields reset to their defaults. */
import { updateEndpoint } from '#shared/dialects/netux/update.ts';

export const handler = updateEndpoint('full');
