/** Recognises a DynamoDB request that writes an organization item (for faults injected into the real client). */
import * as keys from '#shared/db/keys.ts';

const organizationSk = JSON.stringify({ SK: keys.organization('t', 'id').SK }).slice(1, -1);

export const touchesOrganizationItem = (input: unknown) => JSON.stringify(input ?? {}).includes(organizationSk);
