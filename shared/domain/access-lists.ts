/** Programs and campaigns, and the organizations that may access them (Responsys access attributes). */
import { AppError } from '#shared/errors.ts';

import type { AccessList, AccessListKind } from './directory.ts';
import type { Organization } from './organization.ts';
import { type TreeNode, withLineage } from './organization-tree.ts';
import { organizationsInOrder } from './organizations.ts';
import { ports } from './ports.ts';

/** What an access-list error is about; the dialect turns it into its own wording. */
export type AccessListProblem =
  | { problem: 'list-not-found'; kind: AccessListKind; name: string }
  | { problem: 'organization-name'; kind: AccessListKind; value: string; matches: number };

const notFound = (kind: AccessListKind, name: string) =>
  new AppError('not_found', `No ${kind} named ${name}.`, { detail: { problem: 'list-not-found', kind, name } satisfies AccessListProblem });

export async function getAccessList(tenantId: string, kind: AccessListKind, name: string): Promise<AccessList> {
  const list = await ports().directory.getAccessList(tenantId, kind, name);
  if (!list) throw notFound(kind, name);
  return list;
}

/** The organizations with access, in the order last set; ids of organizations deleted since are skipped. */
export async function accessOf(tenantId: string, kind: AccessListKind, name: string): Promise<TreeNode[]> {
  const list = await getAccessList(tenantId, kind, name);
  return withLineage(tenantId, await organizationsInOrder(tenantId, list.organizationIds));
}

/**
 * Replaces the set of organizations with access. Names match exactly and case-sensitively; a name
 * matching none or several fails the whole request and changes nothing. Duplicates count once and
 * the request order is kept.
 */
export async function setAccess(tenantId: string, kind: AccessListKind, name: string, organizationNames: string[]): Promise<TreeNode[]> {
  const wantedNames = [...new Set(organizationNames)];
  const [list, named] = await Promise.all([
    getAccessList(tenantId, kind, name),
    // Exact names through the name index (strongly consistent: a rename is matched on the next request).
    Promise.all(wantedNames.map((wanted) => organizationsNamed(tenantId, wanted))),
  ]);
  const chosen: Organization[] = [];
  for (const [i, wanted] of wantedNames.entries()) {
    const matches = named[i]!;
    if (matches.length !== 1) {
      throw new AppError('validation', `Organization name ${wanted} matches ${matches.length} organizations.`, {
        location: 'body',
        detail: { problem: 'organization-name', kind, value: wanted, matches: matches.length } satisfies AccessListProblem,
      });
    }
    chosen.push(matches[0]!);
  }
  await ports().directory.replaceAccess(
    tenantId,
    list,
    chosen.map((org) => org.id),
  );
  return withLineage(tenantId, chosen);
}

/** Organizations whose name is exactly `name` (the index is keyed by value; each match is checked). */
async function organizationsNamed(tenantId: string, name: string): Promise<Organization[]> {
  const ids = await ports().organizations.idsByMember(tenantId, 'name', name);
  return (await ports().organizations.getMany(tenantId, ids)).filter((org) => org.name === name);
}

export async function listAccessLists(tenantId: string, kind: AccessListKind, offset: number, limit: number): Promise<AccessList[]> {
  const all = await ports().directory.listAccessLists(tenantId, kind);
  return all.sort((a, b) => a.id - b.id).slice(offset, offset + limit);
}
