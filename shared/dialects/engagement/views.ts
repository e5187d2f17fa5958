/** The Engagement publisher object and organization summary. */
import type { Publisher } from '#shared/domain/directory.ts';
import type { PartnerSetting } from '#shared/domain/engagement.ts';
import type { Organization } from '#shared/domain/organization.ts';

export const publisherView = (p: Publisher) => ({
  _id: p.id,
  name: p.name,
  category: p.category,
  url: p.url,
  logo: p.logo,
  description: p.description,
  widget: p.widget,
  api: p.api,
  campaign: p.campaign,
  annonceur: p.annonceur,
});

export const partnerSettingsView = (settings: PartnerSetting[]) => ({
  ok: true,
  data: settings.map((s) => ({ ...publisherView(s.publisher), excluded: s.excluded })),
  total: settings.length,
});

const stringProperty = (org: Organization, name: string) => {
  const value = org.properties[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
};

export const organizationSummaryView = (org: Organization) => ({
  _id: org.id,
  title: org.name,
  rna: stringProperty(org, 'rna'),
  siret: stringProperty(org, 'siret'),
  status: org.isActive ? 'ACTIVE' : 'INACTIVE',
});
