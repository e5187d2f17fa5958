/** Responsys shapes: tree nodes (children omitted on leaves), assigned attributes, programs. */
import type { AccessList } from '#shared/domain/directory.ts';
import type { TreeNode } from '#shared/domain/organization-tree.ts';

export interface NodeView {
  id: number;
  name: string;
  lineage: string;
  children?: NodeView[];
}

export const nodeView = (node: TreeNode): NodeView => ({
  id: node.organization.intId,
  name: node.organization.name,
  lineage: node.lineage,
  ...(node.children.length > 0 ? { children: node.children.map(nodeView) } : {}),
});

export const attributesView = (values: unknown[]) => ({ attributes: { organizations: { attributeValues: values } } });

export const assignedView = (nodes: TreeNode[]) =>
  attributesView(nodes.map((node) => ({ id: node.organization.intId, name: node.organization.name, lineage: node.lineage })));

export const programView = (list: AccessList) => ({ id: list.id, name: list.name, status: list.status, description: list.description });
