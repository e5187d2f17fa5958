/** PATCH /api/v2.0/organizations/{key}/ — partial update: absent fields stay as they are. */
import { netuxEndpoint, organizationKeyParams } from '../../shared/dialects/netux/dialect.ts';
import { organizationFields } from '../../shared/dialects/netux/schemas.ts';
import { organizationView } from '../../shared/dialects/netux/views.ts';
import { parseOrganizationKey } from '../../shared/domain/organization.ts';
import { updateOrganization } from '../../shared/domain/organization-writes.ts';
import { appsFor } from '../../shared/domain/organizations.ts';
import { baseUrl, json } from '../../shared/http/types.ts';

export const handler = netuxEndpoint({
  requires: 'write',
  bodyFormat: 'json',
  params: organizationKeyParams,
  body: organizationFields,
  async handle({ params, body, principal, event }) {
    const organization = await updateOrganization(principal.tenantId, parseOrganizationKey(params.key), body, 'partial');
    return json(200, organizationView(organization, await appsFor(principal.tenantId, [organization]), baseUrl(event)));
  },
});
