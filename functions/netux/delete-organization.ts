/** DELETE /api/v2.0/organizations/{key}/ — refused while children exist; removes every reference → 204. */
import { netuxEndpoint, organizationKeyParams } from '#shared/dialects/netux/dialect.ts';
import { parseOrganizationKey } from '#shared/domain/organization.ts';
import { deleteOrganization } from '#shared/domain/organization-writes.ts';
import { noContent } from '#shared/http/types.ts';

export const handler = netuxEndpoint({
  requires: 'write',
  params: organizationKeyParams,
  async handle({ params, principal }) {
    await deleteOrganization(principal.tenantId, parseOrganizationKey(params.key));
    return noContent();
  },
});
