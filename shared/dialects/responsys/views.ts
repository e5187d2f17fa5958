/** Responsys shapes: tree nodes (children omitted on leaves), assigned attributes, programs and campaigns. */
import { basePaths } from '#shared/base-paths.ts';
import type { Campaign, Program } from '#shared/domain/directory.ts';
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

type Summary<T> = Omit<T, 'organizationIds'>;

/**
 * Links as Responsys writes them: paths from the API root (`/rest/api/v1.3/…`), which clients append to
 * the `endPoint` login answered (so a deployed stage's base path is kept).
 */
const link = (rel: string, href: string, method = 'GET') => ({ rel, href, method });
const pathOf = (collection: 'programs' | 'campaigns', name?: string) =>
  `${basePaths.responsys}/${collection}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

/** A program as `GET /programs` lists it (the fields and order of Oracle's sample). */
export const programView = (p: Summary<Program>) => ({
  id: p.id,
  name: p.name,
  folderName: p.folderName,
  listName: p.listName,
  channels: p.channels,
  createdOn: p.createdOn,
  createdBy: p.createdBy,
  modifiedOn: p.modifiedOn,
  modifiedBy: p.modifiedBy,
  status: p.status,
  ...(p.publishDate !== null ? { publishDate: p.publishDate } : {}),
  // "Not displayed for a program in running state."
  ...(p.unpublishDate !== null && p.status !== 'RUNNING' ? { unpublishDate: p.unpublishDate } : {}),
});

/** `GET /programs/{programName}`: the list as `list{id,name}`, and the program's links. */
export const programDetailView = (p: Summary<Program>) => {
  const { listName: _listName, ...listed } = programView(p);
  return {
    ...listed,
    list: p.listName === null ? null : { id: p.listId, name: p.listName },
    links: [link('self', pathOf('programs', p.name)), link('getAllPrograms', pathOf('programs'))],
  };
};

/** A campaign as both campaign endpoints answer it: the properties configured, and its links. */
export const campaignView = (c: Summary<Campaign>) => ({
  id: c.id,
  name: c.name,
  type: c.type,
  folderName: c.folderName,
  ...(c.description !== null ? { description: c.description } : {}),
  ...(c.listName !== null ? { listName: c.listName } : {}),
  ...(c.purpose !== null ? { purpose: c.purpose } : {}),
  campaignStatus: c.status,
  ...c.properties,
  links: [link('self', pathOf('campaigns', c.name)), link('getAllCampaigns', pathOf('campaigns'))],
});

/** `GET /campaigns`: the page, and links to it and to the pages beside it (`next` only when there is more). */
export function campaignsView(page: Summary<Campaign>[], query: { offset: number; limit: number; type: string }, more: boolean) {
  const at = (offset: number) => `${pathOf('campaigns')}?limit=${query.limit}&offset=${offset}&type=${query.type.toLowerCase()}`;
  return {
    campaigns: page.map(campaignView),
    links: [
      link('self', at(query.offset)),
      ...(more ? [link('next', at(query.offset + query.limit))] : []),
      ...(query.offset > 0 ? [link('prev', at(Math.max(0, query.offset - query.limit)))] : []),
    ],
  };
}
