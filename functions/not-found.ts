/**
 * ANY method on whatever no route takes under a dialect's base path (`notFoundRoutes`): that dialect's
 * own 404, anonymous, without a read. The dialect is the one the matched resource belongs to.
 */
import type { Context } from 'aws-lambda';

import { type DialectName, notFoundRoutes } from '#functions/routes.ts';
import { apidae } from '#shared/dialects/apidae/dialect.ts';
import { engagement } from '#shared/dialects/engagement/dialect.ts';
import { netux } from '#shared/dialects/netux/dialect.ts';
import { responsys } from '#shared/dialects/responsys/dialect.ts';
import { notFound } from '#shared/errors.ts';
import { createEndpoint, type Dialect } from '#shared/http/handler.ts';
import type { HttpEvent } from '#shared/http/types.ts';

/** What each dialect says (Netux's 404001 has its one wording whatever the message). */
const messages: Record<DialectName, string> = {
  engagement: 'Not found',
  netux: 'Not found.',
  apidae: 'Service introuvable.',
  responsys: 'The requested resource does not exist.',
};

const endpointOf = (dialect: Dialect) =>
  createEndpoint(dialect, {
    anonymous: true,
    async handle() {
      throw notFound(messages[dialect.name]);
    },
  });

const endpoints = {
  engagement: endpointOf(engagement),
  netux: endpointOf(netux),
  apidae: endpointOf(apidae),
  responsys: endpointOf(responsys),
};
const dialectOfResource = new Map(notFoundRoutes.map((route) => [route.path, route.dialect]));

// Only the resources of notFoundRoutes are routed here.
export const handler = (event: HttpEvent, context: Context) => endpoints[dialectOfResource.get(event.resource)!](event, context);
