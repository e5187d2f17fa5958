/** The stored organization: one record, four dialect views. */
export interface MemberUser {
  id: number;
  prenom: string;
  nom: string;
  eMail: string | null;
  active: boolean;
  /** Apidae permissions of the user (e.g. ADMIN_DEPARTEMENTAL), as the utilisateur services answer them. */
  permissions?: string[];
}

export interface MemberProject {
  id: number;
  nom: string;
  type: string | null;
  statut: 'DEMONSTRATION' | 'DEVELOPPEMENT' | 'NON_DETERMINE' | 'PRODUCTION';
}

export interface MemberData {
  type: { id: number; nom: string } | null;
  secteur: { id: number; nom: string; description: string | null } | null;
  communes: { code: string; codePostal: string; nom: string }[];
  /** Integer id of the sponsoring member (Apidae `idParrain`). */
  sponsorIntId: number | null;
  urlLogo: string | null;
  niveauDiffusion: string | null;
  devise: string | null;
  descriptifCommercial: string | null;
  users: MemberUser[];
  projects: MemberProject[];
  objetsGeres: unknown[];
  relations: unknown[];
  traductions: unknown[];
  tags: unknown[];
}

export interface Organization {
  id: string;
  intId: number;
  label: string;
  name: string;
  description: string;
  createdAt: string;
  /** Set by every write (absent on records written before it existed: read as `createdAt`). */
  updatedAt?: string;
  isActive: boolean;
  properties: Record<string, unknown>;
  appId: string | null;
  logo: string | null;
  favicon: string | null;
  parentId: string | null;
  member: MemberData;
  /** Incremented by every write; writers condition on it so no concurrent change is lost. */
  version: number;
  /**
   * Bulk-task operations already applied to this organization (`taskId` → item indexes), so a
   * retried or duplicated chunk never applies an item twice. Task ids start with their creation time
   * (8 hex digits of epoch seconds), so entries are pruned once the task has expired.
   */
  appliedOps?: Record<string, number[]>;
}

/** What the listings and the searches sort by (ties by id). */
export type SortKeys = Pick<Organization, 'id' | 'intId' | 'label' | 'name' | 'createdAt'>;

export interface App {
  id: string;
  label: string;
  name: string;
  url: string | null;
}

export const emptyMemberData = (): MemberData => ({
  type: null,
  secteur: null,
  communes: [],
  sponsorIntId: null,
  urlLogo: null,
  niveauDiffusion: null,
  devise: null,
  descriptifCommercial: null,
  users: [],
  projects: [],
  objetsGeres: [],
  relations: [],
  traductions: [],
  tags: [],
});

/** A new organization with every field at its default: a root, active, no member data. */
export function newOrganization(identity: { id: string; intId: number; label: string; name?: string }): Organization {
  const now = new Date().toISOString();
  return {
    id: identity.id,
    intId: identity.intId,
    label: identity.label,
    name: identity.name ?? identity.label,
    description: '',
    createdAt: now,
    updatedAt: now,
    isActive: true,
    properties: {},
    appId: null,
    logo: null,
    favicon: null,
    parentId: null,
    member: emptyMemberData(),
    version: 1,
    appliedOps: {},
  };
}

/** A property as text (a string or a number), else null: how dialects read identifiers kept in properties. */
export function textProperty(org: Organization, name: string): string | null {
  const value = Object.hasOwn(org.properties, name) ? org.properties[name] : undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/** A path key is an id, or `~label`. */
export type OrganizationKey = { id: string } | { label: string };

export function parseOrganizationKey(raw: string): OrganizationKey {
  return raw.startsWith('~') ? { label: raw.slice(1) } : { id: raw };
}
