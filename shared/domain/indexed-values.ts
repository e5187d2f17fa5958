/** Which exact values of an organization are indexed (a domain decision; shared/db keys the entries). */
import { type Organization, textProperty } from './organization.ts';
import type { IndexedField } from './ports.ts';

/** The exact-value index entries an organization has: (field, value) pairs (a value may repeat). */
export function indexedValues(organization: Organization): [IndexedField, string | number][] {
  const { member } = organization;
  const entries: [IndexedField, string | number][] = [['name', organization.name]];
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
  return entries;
}
