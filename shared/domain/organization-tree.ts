/** The organization tree, computed from stored parent pointers (a move is one write; lineage is derived on read). */
import type { Organization } from './organization.ts';
import { ports } from './ports.ts';

export interface TreeNode {
  organization: Organization;
  /** Integer ids from the root down to this node, each followed by ':' (root 7 → "7:"). */
  lineage: string;
  children: TreeNode[];
}

export interface OrganizationTree {
  roots: TreeNode[];
  byId: Map<string, TreeNode>;
}

export function buildTree(organizations: Organization[]): OrganizationTree {
  const byId = new Map<string, TreeNode>(organizations.map((o) => [o.id, { organization: o, lineage: '', children: [] }]));
  const roots: TreeNode[] = [];
  for (const node of byId.values()) {
    const parent = node.organization.parentId ? byId.get(node.organization.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const byIntId = (a: TreeNode, b: TreeNode) => a.organization.intId - b.organization.intId;
  const visit = (node: TreeNode, prefix: string) => {
    node.lineage = `${prefix}${node.organization.intId}:`;
    node.children.sort(byIntId).forEach((child) => visit(child, node.lineage));
  };
  roots.sort(byIntId).forEach((root) => visit(root, ''));
  return { roots, byId };
}

/** The tenant's tree, from a strongly consistent read (a rename or move shows on the next request). */
export const organizationTree = async (tenantId: string) => buildTree(await ports().organizations.list(tenantId));
