/** The organization tree, computed from stored parent pointers (a move is one write; lineage is derived on read). */
import { type Organization } from './organization.ts';
import { ports, type TreeEntry } from './ports.ts';

export interface TreeNode {
  organization: TreeEntry;
  /** Integer ids from the root down to this node, each followed by ':' (root 7 → "7:"). */
  lineage: string;
  children: TreeNode[];
}

export interface OrganizationTree {
  roots: TreeNode[];
  byId: Map<string, TreeNode>;
}

export function buildTree(entries: TreeEntry[]): OrganizationTree {
  const byId = new Map<string, TreeNode>(entries.map((o) => [o.id, { organization: o, lineage: '', children: [] }]));
  const roots: TreeNode[] = [];
  for (const node of byId.values()) {
    const parent = node.organization.parentId ? byId.get(node.organization.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const byIntId = (a: TreeNode, b: TreeNode) => a.organization.intId - b.organization.intId;
  // Iterative (a deep chain must not overflow the stack).
  const pending: [TreeNode, string][] = roots.sort(byIntId).map((root) => [root, '']);
  while (pending.length > 0) {
    const [node, prefix] = pending.pop()!;
    node.lineage = `${prefix}${node.organization.intId}:`;
    for (const child of node.children.sort(byIntId)) pending.push([child, node.lineage]);
  }
  return { roots, byId };
}

/** The tenant's whole tree, from the listing's tree entries (strongly consistent: a rename or move shows on the next request). */
export const organizationTree = async (tenantId: string) => buildTree(await ports().organizations.treeEntries(tenantId));

/**
 * The given organizations as tree nodes with their lineage, walking their ancestors one batched read
 * per level: reads follow the organizations and the depth of the tree, not the tenant.
 */
export async function withLineage(tenantId: string, organizations: Organization[]): Promise<TreeNode[]> {
  const known = new Map<string, Organization | undefined>(organizations.map((o) => [o.id, o]));
  let missing = parentIdsNotIn(organizations, known);
  while (missing.length > 0) {
    const parents = await ports().organizations.getMany(tenantId, missing);
    parents.forEach((parent) => known.set(parent.id, parent));
    // A parent deleted meanwhile ends its branch (the child is then a root).
    for (const id of missing) if (!known.has(id)) known.set(id, undefined);
    missing = parentIdsNotIn(parents, known);
  }
  const lineageOf = (org: Organization): string => {
    const chain: number[] = [];
    const seen = new Set<string>();
    for (let at: Organization | undefined = org; at && !seen.has(at.id); at = at.parentId ? known.get(at.parentId) : undefined) {
      seen.add(at.id);
      chain.unshift(at.intId);
    }
    return chain.map((id) => `${id}:`).join('');
  };
  return organizations.map((org) => ({
    organization: { id: org.id, intId: org.intId, name: org.name, parentId: org.parentId },
    lineage: lineageOf(org),
    children: [],
  }));
}

const parentIdsNotIn = (organizations: Organization[], known: Map<string, Organization | undefined>) => [
  ...new Set(organizations.flatMap((o) => (o.parentId && !known.has(o.parentId) ? [o.parentId] : []))),
];
