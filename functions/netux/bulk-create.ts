/** Netux bulk (create): validates every item, stores the task's chunks, starts the state machine, 202. */
import { bulkEndpoint } from '#shared/dialects/netux/bulk.ts';

export const handler = bulkEndpoint('create');
