/** POST /api/v2.0/organizations/ — create (a label, or one derived from the name; name defaults to label) → 201; JSON or a form. */
import { netuxEndpoint } from '#shared/dialects/netux/dialect.ts';
import { organizationForm } from '#shared/dialects/netux/forms.ts';
import { newOrganization } from '#shared/dialects/netux/schemas.ts';
import { organizationView } from '#shared/dialects/netux/views.ts';
import { createOrganization } from '#shared/domain/organization-writes.ts';
import { appsFor } from '#shared/domain/organizations.ts';
import { baseUrl, json } from '#shared/http/types.ts';

export const handler = netuxEndpoint({
  requires: 'write',
  // JSON, or form-data / urlencoded as the create page allows.
  bodyFormat: 'json-or-form',
  form: organizationForm,
  body: newOrganization,
  async handle({ body, principal, event }) {
    const organization = await createOrganization(principal.tenantId, body);
    return json(201, organizationView(organization, await appsFor(principal.tenantId, [organization]), baseUrl(event)));
  },
});
