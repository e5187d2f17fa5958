/** Tenants, publishers, Engagement mappings, programs and campaigns: the rest of the directory. */
export interface Tenant {
  id: string;
  name: string;
}

export interface Publisher {
  id: string;
  name: string;
  category: string | null;
  url: string | null;
  logo: string | null;
  description: string | null;
  widget: boolean;
  api: boolean;
  campaign: boolean;
  annonceur: boolean;
}

/** (publisher, client id) → directory organization, with the partners allowed to broadcast it. */
export interface ClientMapping {
  publisherId: string;
  clientId: string;
  organizationId: string;
  allowedPublisherIds: string[];
}

/**
 * The 30-day click count of an organization's missions from one partner (Engagement `clicks`), as the
 * seed file or the admin CLI stores it: this product counts no clicks itself.
 */
export interface ClickCount {
  organizationId: string;
  partnerId: string;
  clicks: number;
}

export type AccessListKind = 'program' | 'campaign';

/** A Responsys program or campaign and the organizations that may access it, in the order last set. */
export interface AccessList {
  kind: AccessListKind;
  id: number;
  name: string;
  status: string;
  description: string | null;
  organizationIds: string[];
}
