/** The program and campaign access endpoints are twins: one definition per kind and verb. */
import * as z from 'zod/mini';

import { accessOf, setAccess } from '#shared/domain/access-lists.ts';
import type { AccessListKind } from '#shared/domain/directory.ts';
import { json } from '#shared/http/types.ts';

import { responsysEndpoint } from './dialect.ts';
import { assignedView } from './views.ts';

/** A program or campaign name in a path: bounded, so it never reaches a key over DynamoDB's limits. */
const name = z.string().check(z.minLength(1), z.maxLength(200));
/** The path parameters of the program and of the campaign resources. */
export const listParams = { program: z.object({ programName: name }), campaign: z.object({ campaignName: name }) };
const params = listParams;
const nameOf = (kind: AccessListKind, p: { programName?: string; campaignName?: string }) =>
  kind === 'program' ? p.programName! : p.campaignName!;

const body = z.object({
  attributes: z.object({
    organizations: z.object({
      attributeValues: z.array(z.object({ name: z.string() })).check(z.maxLength(10_000)),
    }),
  }),
});

export const getAccessEndpoint = (kind: AccessListKind) =>
  responsysEndpoint({
    params: params[kind],
    async handle({ params: p, principal }) {
      return json(200, assignedView(await accessOf(principal.tenantId, kind, nameOf(kind, p))));
    },
  });

export const setAccessEndpoint = (kind: AccessListKind) =>
  responsysEndpoint({
    bodyFormat: 'json',
    params: params[kind],
    body,
    async handle({ params: p, body: b, principal }) {
      const names = b.attributes.organizations.attributeValues.map((value) => value.name);
      return json(200, assignedView(await setAccess(principal.tenantId, kind, nameOf(kind, p), names)));
    },
  });
