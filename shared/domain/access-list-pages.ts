/**
 * Pages of programs and campaigns (Responsys GET /programs and /campaigns): read from small listing
 * entries in id order, so a page costs its entries (and, like an SQL OFFSET, the entries it skips),
 * never the access sets and never the rest of the tenant.
 */
import { getAccessList } from './access-lists.ts';
import type { AccessListFilter, AccessListSummary, Campaign, Program } from './directory.ts';
import { ports } from './ports.ts';

type Summary<T> = Omit<T, 'organizationIds'>;
// Programs are stored under their kind's keys only: a list read as a program is one (likewise campaigns).

/** Programs in any of `statuses` (all when undefined), from `offset`. */
export const pagePrograms = (tenantId: string, statuses: Program['status'][] | undefined, offset: number, limit: number) =>
  page(tenantId, { kind: 'program', statuses }, offset, limit) as Promise<Summary<Program>[]>;

/** Campaigns of one type, from `offset`. */
export const pageCampaigns = (tenantId: string, type: Campaign['type'], offset: number, limit: number) =>
  page(tenantId, { kind: 'campaign', type }, offset, limit) as Promise<Summary<Campaign>[]>;

const page = (tenantId: string, filter: AccessListFilter, offset: number, limit: number): Promise<AccessListSummary[]> =>
  ports().directory.pageAccessLists(tenantId, filter, offset, limit);

/** One program by its exact name, or the PROGRAM_NOT_FOUND problem. */
export const getProgram = async (tenantId: string, name: string) => (await getAccessList(tenantId, 'program', name)) as Program;

/** One campaign by its exact name, or the CAMPAIGN_NOT_FOUND problem. */
export const getCampaign = async (tenantId: string, name: string) => (await getAccessList(tenantId, 'campaign', name)) as Campaign;
