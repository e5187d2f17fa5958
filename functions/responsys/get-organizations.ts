/** GET /rest/api/v1.3/attributes/organizations — the organization tree. */
import { responsysEndpoint } from '#shared/dialects/responsys/dialect.ts';
import { attributesView, nodeView } from '#shared/dialects/responsys/views.ts';
import { organizationTree } from '#shared/domain/organization-tree.ts';
import { json } from '#shared/http/types.ts';

export const handler = responsysEndpoint({
  async handle({ principal }) {
    const tree = await organizationTree(principal.tenantId);
    return json(200, attributesView(tree.roots.map(nodeView)));
  },
});
