/**
 * The users stored with members (Apidae `utilisateur` services): found by id or by e-mail through
 * member index items written with the organization (strongly consistent, reading only the members
 * that hold the user), or listed from one member. `userStatus` chooses which users count, as it does
 * for the member services' UTILISATEURS block.
 */
import { mailLookupValue } from '#shared/text.ts';

import { getMember } from './members.ts';
import type { MemberUser, Organization } from './organization.ts';
import { ports } from './ports.ts';

export type UserStatus = 'ACTIFS' | 'INACTIFS' | 'TOUS';

export interface MemberUserRecord {
  user: MemberUser;
  member: Organization;
}

const counts = (user: MemberUser, status: UserStatus) => status === 'TOUS' || user.active === (status === 'ACTIFS');

/** The first matching user of the members that index it (by integer id, should two hold it). */
async function findUser(
  tenantId: string,
  lookup: { field: 'utilisateur'; value: number } | { field: 'mail'; value: string },
  status: UserStatus,
): Promise<MemberUserRecord | undefined> {
  const ids = await ports().organizations.idsByMember(tenantId, lookup.field, lookup.value);
  const members = (await ports().organizations.getMany(tenantId, ids)).sort((a, b) => a.intId - b.intId);
  const wanted = (u: MemberUser) =>
    lookup.field === 'utilisateur' ? u.id === lookup.value : u.eMail !== null && mailLookupValue(u.eMail) === lookup.value;
  for (const member of members) {
    const user = member.member.users.find((u) => wanted(u) && counts(u, status));
    if (user) return { user, member };
  }
  return undefined;
}

export const userById = (tenantId: string, id: number, status: UserStatus) =>
  findUser(tenantId, { field: 'utilisateur', value: id }, status);

/** Case-insensitive; an address that can be no indexed one (ill-formed, over 254 bytes) finds nobody. */
export async function userByMail(tenantId: string, eMail: string, status: UserStatus): Promise<MemberUserRecord | undefined> {
  const value = mailLookupValue(eMail);
  return value === undefined ? undefined : findUser(tenantId, { field: 'mail', value }, status);
}

/** The member's users (in stored order), or undefined when there is no such member. */
export async function usersOfMember(tenantId: string, intId: number, status: UserStatus): Promise<MemberUserRecord[] | undefined> {
  const member = await getMember(tenantId, intId);
  return member?.member.users.filter((u) => counts(u, status)).map((user) => ({ user, member }));
}
