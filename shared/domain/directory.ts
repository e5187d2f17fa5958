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

/** What Oracle Responsys documents of a program's state and of a campaign's type and state. */
export const PROGRAM_STATUSES = ['NOT_RUNNING', 'RUNNING', 'RUNNING_WITH_ERRORS'] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];
export const CAMPAIGN_TYPES = ['EMAIL', 'PUSH', 'SMS', 'MMS', 'PUSHIOCAMPAIGN'] as const;
export type CampaignType = (typeof CAMPAIGN_TYPES)[number];
export const CAMPAIGN_STATUSES = ['NONE', 'DRAFT', 'ACTIVE', 'CLOSED'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CAMPAIGN_PURPOSES = ['PROMOTIONAL', 'TRANSACTIONAL'] as const;
export type CampaignPurpose = (typeof CAMPAIGN_PURPOSES)[number];

/**
 * The other properties Oracle's campaign object documents, with their JSON type: stored as configured
 * (seed file, admin CLI) and answered only when set, as Responsys does.
 */
export const CAMPAIGN_PROPERTIES = {
  autoCloseOption: 'string',
  autoCloseValue: 'string',
  unsubscribeOption: 'string',
  unsubscribeFormName: 'string',
  bccEmail: 'string',
  fromEmail: 'string',
  fromName: 'string',
  replyToEmail: 'string',
  subject: 'string',
  locale: 'string',
  linkTablePath: 'string',
  marketingProgram: 'string',
  marketingStrategy: 'string',
  refiningDataSourcePath: 'string',
  proofListPath: 'string',
  seedListPath: 'string',
  htmlMessagePath: 'string',
  textMessagePath: 'string',
  segmentTrackingColumnName: 'string',
  salesForceCampaignId: 'string',
  externalCampaignCode: 'string',
  closedCampaignURL: 'string',
  channelList: 'string',
  appName: 'string',
  destinationMessageCenter: 'string',
  useUTF8: 'boolean',
  sendTextIfHTMLUnknown: 'boolean',
  enableExternalTracking: 'boolean',
  enableLinkTracking: 'boolean',
  trackConversions: 'boolean',
  trackHTMLOpens: 'boolean',
  segmentPaths: 'strings',
  attachmentPaths: 'strings',
  suppressionListPaths: 'strings',
  filterPaths: 'strings',
  supplementarySeedDataSourcePaths: 'strings',
  supplementaryProofDataSourcePaths: 'strings',
  supplementaryCampaignDataSourcePaths: 'strings',
  campaignVariables: 'map',
  externalTrackingParams: 'map',
} as const satisfies Record<string, 'string' | 'boolean' | 'strings' | 'map'>;
export type CampaignPropertyName = keyof typeof CAMPAIGN_PROPERTIES;
export type CampaignProperties = Partial<Record<CampaignPropertyName, string | boolean | string[] | Record<string, string>>>;

interface AccessListBase {
  id: number;
  name: string;
  description: string | null;
  folderName: string;
  /** The profile list the program or campaign addresses. */
  listName: string | null;
  /** The organizations that may access it, in the order last set. */
  organizationIds: string[];
}

/** A Responsys program (an orchestration); dates as Responsys writes them (dd/MM/yyyy). */
export interface Program extends AccessListBase {
  kind: 'program';
  status: ProgramStatus;
  channels: string[];
  listId: number | null;
  createdOn: string;
  createdBy: string;
  modifiedOn: string;
  modifiedBy: string;
  publishDate: string | null;
  unpublishDate: string | null;
}

/** A Responsys campaign: its type (what `GET /campaigns?type=` selects), its state and its configured properties. */
export interface Campaign extends AccessListBase {
  kind: 'campaign';
  type: CampaignType;
  status: CampaignStatus;
  purpose: CampaignPurpose | null;
  properties: CampaignProperties;
}

/** A Responsys program or campaign and the organizations that may access it. */
export type AccessList = Program | Campaign;

type WithoutAccessSet<T> = T extends AccessList ? Omit<T, 'organizationIds'> : never;
/** A program or campaign as listed (its access set is not read by a listing). */
export type AccessListSummary = WithoutAccessSet<AccessList>;

/** What a listing selects: programs by any of some statuses, campaigns by type. */
export type AccessListFilter = { kind: 'program'; statuses?: ProgramStatus[] } | { kind: 'campaign'; type: CampaignType };
