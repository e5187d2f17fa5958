/** PATCH /api/v2.0/organizations/{key}/ — partial update: absent fields stay as they are. */
import { updateEndpoint } from '#shared/dialects/netux/update.ts';

export const handler = updateEndpoint('partial');
