/** PATCH and PUT on one organization differ only in their schema and whether absent fields reset. */
import { parseOrganizationKey } from '#shared/domain/organization.ts';
import { updateOrganization } from '#shared/domain/organization-writes.ts';
import { appsFor } from '#shared/domain/organizations.ts';
import { baseUrl, json } from '#shared/http/types.ts';

import { netuxEndpoint, organizationKeyParams } from './dialect.ts';
import { organizationForm } from './forms.ts';
import { fullOrganization, organizationFields } from './schemas.ts';
import { organizationView } from './views.ts';

export const updateEndpoint = (mode: 'partial' | 'full') =>
  netuxEndpoint({
    requires: 'write',
    // JSON, or form-data / urlencoded as the update page allows.
    bodyFormat: 'json-or-form',
    form: organizationForm,
    params: organizationKeyParams,
    body: mode === 'partial' ? organizationFields : fullOrganization,
    async handle({ params, body, principal, event }) {
      const organization = await updateOrganization(principal.tenantId, parseOrganizationKey(params.key), body, mode);
      return json(200, organizationView(organization, await appsFor(principal.tenantId, [organization]), baseUrl(event)));
    },
  });
