/** Which exact values of an organization are indexed (a domain decision; shared/db keys the entries). */
import { mailLookupValue } from '#shared/text.ts';

import { type Organization, textProperty } from './organization.ts';
import type { IndexedField } from './ports.ts';

/** The exact-value index entries an organization has: (field, value) pairs (a value may repeat). */
export function indexedValues(organization: Organization): [IndexedField, string | number][] {
  const { member } = organization;
  const entries: [IndexedField, string | number][] = [['name', organization.name]];
  entries.push(['createdAt', organization.createdAt]);
  if (organization.description !== '') entries.push(['description', organization.description]);
  if (organization.appId) entries.push(['app', organization.appId]);
  const properties = Object.entries(organization.properties);
  // Beyond MAX_INDEXED_PROPERTIES, one overflow entry: a properties filter also reads those organizations.
  if (properties.length > MAX_INDEXED_PROPERTIES) entries.push(['property', PROPERTY_OVERFLOW]);
  else for (const [key, value] of properties) entries.push(['property', propertyPair(key, value)]);
  for (const property of ['rna', 'siret'] as const) {
    const value = textProperty(organization, property);
    if (value) entries.push([property, value]);
  }
  if (member.sponsorIntId !== null) entries.push(['parrain', member.sponsorIntId]);
  if (member.type) entries.push(['type', member.type.nom]);
  if (member.secteur) entries.push(['secteur', member.secteur.id], ['nomSecteur', member.secteur.nom.toLowerCase()]);
  for (const commune of member.communes) entries.push(['commune', commune.code], ['cp', commune.codePostal]);
  for (const project of member.projects) {
    entries.push(['projet', project.id], ['statutProjet', project.statut]);
    if (project.type !== null) entries.push(['typeProjet', project.type]);
  }
  // The users stored with the member, for the Apidae utilisateur services (by id, by lower-cased e-mail).
  for (const user of member.users) {
    entries.push(['utilisateur', user.id]);
    const mail = user.eMail === null ? undefined : mailLookupValue(user.eMail);
    if (mail !== undefined) entries.push(['mail', mail]);
  }
  return entries;
}

/** Top-level properties indexed per organization (each is one item of its write's transaction). */
export const MAX_INDEXED_PROPERTIES = 16;
export const PROPERTY_OVERFLOW = '*';

/**
 * Whether a property value's index entry is there in every tenant: scalars always were; objects, arrays
 * and null only in a tenant whose filter index is complete (created by this version, or migrated).
 */
export const isScalarProperty = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);

/**
 * The index value of one property: its key and its JSON value (so 1 and "1" differ, as the filter's equality
 * does), object keys sorted at every depth, as the filter's equality ignores their order.
 */
export const propertyPair = (key: string, value: unknown) => `${key}=${canonicalJson(value)}`;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const entries = Object.keys(object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
