/** The Engagement publisher object and organization summary. */
import type { Publisher } from '#shared/domain/directory.ts';
import type { PartnerSetting } from '#shared/domain/engagement.ts';
import { type Organization, textProperty } from '#shared/domain/organization.ts';

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
  data: settings.map((s) => ({
    ...publisherView(s.publisher),
    excluded: s.excluded,
    ...(s.clicks === undefined ? {} : { clicks: s.clicks }),
  })),
  total: settings.length,
});

/**
 * The other fields of the vendor's organization record (betagouv/api-engagement, `Organization`): an
 * organization carries those it has in its properties, under the same names, and answers them as stored.
 */
export const vendorRecordFields = [
  'siren',
  'sirets',
  'rupMi',
  'gestion',
  'lastDeclaredAt',
  'publishedAt',
  'dissolvedAt',
  'nature',
  'groupement',
  'names',
  'shortTitle',
  'titleSlug',
  'shortTitleSlug',
  'object',
  'socialObject1',
  'socialObject2',
  'addressComplement',
  'addressNumber',
  'addressRepetition',
  'addressType',
  'addressStreet',
  'addressDistribution',
  'addressInseeCode',
  'addressPostalCode',
  'addressDepartmentCode',
  'addressDepartmentName',
  'addressRegion',
  'addressCity',
  'managementDeclarant',
  'managementComplement',
  'managementStreet',
  'managementDistribution',
  'managementPostalCode',
  'managementCity',
  'managementCountry',
  'directorCivility',
  'website',
  'observation',
  'isRUP',
] as const;

/** `status` is the legal form in the vendor's data (e.g. "Association loi 1901"), from `properties.status`. */
export const organizationSummaryView = (org: Organization) => ({
  _id: org.id,
  title: org.name,
  rna: textProperty(org, 'rna'),
  siret: textProperty(org, 'siret'),
  status: textProperty(org, 'status'),
  ...Object.fromEntries(vendorRecordFields.filter((field) => Object.hasOwn(org.properties, field)).map((f) => [f, org.properties[f]])),
});
