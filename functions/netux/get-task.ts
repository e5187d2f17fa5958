/** GET /api/v2.0/tasks/{taskId}/ (extension) — a bulk task's status, counts, failures and created ids. */
import * as z from 'zod/mini';

import { netuxEndpoint } from '#shared/dialects/netux/dialect.ts';
import { taskView } from '#shared/dialects/netux/views.ts';
import { describeTask } from '#shared/domain/bulk-tasks.ts';
import { notFound } from '#shared/errors.ts';
import { json } from '#shared/http/types.ts';

export const handler = netuxEndpoint({
  requires: 'read',
  params: z.object({ taskId: z.string() }),
  // Task ids are 20 hex characters; anything else names no task (404, never a DynamoDB error).
  async handle({ params, principal }) {
    const task = /^[0-9a-f]{20}$/.test(params.taskId) ? await describeTask(principal.tenantId, params.taskId) : undefined;
    if (!task) throw notFound();
    return json(200, taskView(task));
  },
});
