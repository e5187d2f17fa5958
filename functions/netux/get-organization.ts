/** GET /api/v2.0/organizations/{key}/ — key is the id or `~label`. */
import { netuxEndpoint, organizationKeyParams } from '#shared/dialects/netux/dialect.ts';
import { organizationView } from '#shared/dialects/netux/views.ts';
import { parseOrganizationKey } from '#shared/domain/organization.ts';
import { appsFor, getOrganization } from '#shared/domain/organizations.ts';
import { baseUrl, json } from '#shared/http/types.ts';

export const handler = netuxEndpoint({
  requires: 'read',
  params: organizationKeyParams,
  async handle({ params, principal, event }) {
    const organization = await getOrganization(principal.tenantId, parseOrganizationKey(params.key));
    return json(200, organizationView(organization, await appsFor(principal.tenantId, [organization]), baseUrl(event)));
  },
});
