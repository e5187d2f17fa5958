/** Programs and campaigns, and the organizations that may access them (Responsys access attributes). */
import { AppError } from '#shared/errors.ts';

import type { AccessList, AccessListKind } from './directory.ts';
import { organizationTree, type TreeNode } from './organization-tree.ts';
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
  const [list, tree] = await Promise.all([getAccessList(tenantId, kind, name), organizationTree(tenantId)]);
  return list.organizationIds.map((id) => tree.byId.get(id)).filter((node): node is TreeNode => node !== undefined);
}

/**
 * Replaces the set of organizations with access. Names match exactly and case-sensitively; a name
 * matching none or several fails the whole request and changes nothing. Duplicates count once and
 * the request order is kept.
 */
export async function setAccess(tenantId: string, kind: AccessListKind, name: string, organizationNames: string[]): Promise<TreeNode[]> {
  const [list, tree] = await Promise.all([getAccessList(tenantId, kind, name), organizationTree(tenantId)]);
  const byName = new Map<string, TreeNode[]>();
  for (const node of tree.byId.values()) byName.set(node.organization.name, [...(byName.get(node.organization.name) ?? []), node]);
  const chosen: TreeNode[] = [];
  for (const wanted of new Set(organizationNames)) {
    const matches = byName.get(wanted) ?? [];
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
    chosen.map((node) => node.organization.id),
  );
  return chosen;
}

export async function listAccessLists(tenantId: string, kind: AccessListKind, offset: number, limit: number): Promise<AccessList[]> {
  const all = await ports().directory.listAccessLists(tenantId, kind);
  return all.sort((a, b) => a.id - b.id).slice(offset, offset + limit);
}
