/** Programs and campaigns, and the organizations that may access them (Responsys access attributes). */
import * as store from '../db/access-lists.ts';
import { AppError } from '../errors.ts';
import type { AccessList, AccessListKind } from './directory.ts';
import { organizationTree, type TreeNode } from './organization-tree.ts';

const labels = {
  program: { code: 'PROGRAM_NOT_FOUND', title: 'Program not found', noun: 'Program', plural: 'program' },
  campaign: { code: 'CAMPAIGN_NOT_FOUND', title: 'Campaign not found', noun: 'Campaign', plural: 'campaign' },
} as const;

const notFound = (kind: AccessListKind, name: string) =>
  new AppError('not_found', `${labels[kind].noun} with the name ${name} not found`, {
    detail: { errorCode: labels[kind].code, title: labels[kind].title },
  });

export async function getAccessList(tenantId: string, kind: AccessListKind, name: string): Promise<AccessList> {
  const list = await store.getAccessList(tenantId, kind, name);
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
      const reason = matches.length === 0 ? 'Invalid attribute value' : 'Ambiguous attribute value';
      throw new AppError('validation', `Unable to set Access Attributes for the ${labels[kind].plural}. ${reason}: ${wanted}`, {
        location: 'body',
        detail: { errorCode: 'SET_OBJECT_ATTRIBUTE_EXCEPTION', title: 'Set Object Attribute Exception' },
      });
    }
    chosen.push(matches[0]!);
  }
  await store.replaceAccess(tenantId, list, chosen.map((node) => node.organization.id));
  return chosen;
}

export async function listAccessLists(tenantId: string, kind: AccessListKind, offset: number, limit: number): Promise<AccessList[]> {
  const all = await store.listAccessLists(tenantId, kind);
  return all.sort((a, b) => a.id - b.id).slice(offset, offset + limit);
}
