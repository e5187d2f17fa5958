/** Recognises a DynamoDB request that writes an organization item (for faults injected into the real client). */
import * as keys from '#shared/db/keys.ts';

const { SK } = keys.organization('t', 'id');
const organizationSk = JSON.stringify({ SK }).slice(1, -1);

type Input = { Statements?: { Parameters?: unknown[] }[] } | undefined;

/** A key in an item, expression or transaction, or among a PartiQL statement's parameters (the bulk worker's batches). */
export const touchesOrganizationItem = (input: unknown) =>
  JSON.stringify(input ?? {}).includes(organizationSk) ||
  ((input as Input)?.Statements ?? []).some((statement) => statement.Parameters?.includes(SK));
