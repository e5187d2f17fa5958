/**
 * The four Netux bulk endpoints share one shape: the X-Bulk-Operation header, an array body validated
 * whole before anything starts (at most 10,000 items), an optional Idempotency-Key, and 202 with the
 * task id.
 */
import { sha256 } from '#shared/crypto.ts';
import { type BulkItem, MAX_ITEMS, submitBulkTask } from '#shared/domain/bulk-tasks.ts';
import { installTaskResumer, installTaskRunner } from '#shared/domain/ports.ts';
import type { TaskKind } from '#shared/domain/task.ts';
import { AppError, type Issue, validationError } from '#shared/errors.ts';
import { requiredFieldMessage, zodIssues } from '#shared/http/handler.ts';
import { header, json } from '#shared/http/types.ts';
import { startTaskExecution } from '#shared/workflow.ts';
import { resumeTaskExecution } from '#shared/workflow.ts';

import { netuxEndpoint } from './dialect.ts';
import { bulkItemSchemas } from './schemas.ts';

// Only the bulk endpoints start workflows, so only their bundles carry the Step Functions client.
installTaskRunner(startTaskExecution);
// An Idempotency-Key retry of a stuck or system-failed task resumes it.
installTaskResumer(resumeTaskExecution);

const typeName = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value === 'object' ? 'dict' : typeof value;

function toItems(kind: TaskKind, body: unknown): BulkItem[] {
  if (!Array.isArray(body)) {
    throw validationError('body', [{ path: [], message: `Expected a list of items but got type "${typeName(body)}".` }]);
  }
  if (body.length > MAX_ITEMS) throw new AppError('payload_too_large', `At most ${MAX_ITEMS} items per bulk request (got ${body.length}).`);
  if (body.length === 0) {
    throw validationError('body', [{ path: [], message: 'This list may not be empty.' }]);
  }
  const schema = bulkItemSchemas[kind];
  const issues: Issue[] = [];
  const items = body.map((raw, index): BulkItem => {
    const parsed = schema.safeParse(raw, { error: requiredFieldMessage });
    if (!parsed.success) {
      issues.push(
        ...zodIssues(parsed.error).map((issue) => ({
          ...issue,
          path: [index, ...(issue.path.length ? issue.path : ['non_field_errors'])],
        })),
      );
      return {};
    }
    const value = parsed.data;
    if (typeof value === 'string') return { key: value };
    const { id, ...fields } = value as { id?: string };
    return { ...(id !== undefined ? { key: id } : {}), ...(kind === 'delete' ? {} : { fields }) };
  });
  if (issues.length > 0) throw new AppError('validation', 'Validation Error.', { location: 'body', issues });
  return items;
}

export const bulkEndpoint = (kind: TaskKind) =>
  netuxEndpoint({
    requires: 'bulk',
    bodyFormat: 'json',
    async handle({ body, principal, event }) {
      if (!header(event, 'x-bulk-operation')) {
        throw new AppError('validation', 'Missing bulk header.', { location: 'header' });
      }
      const items = toItems(kind, body);
      const idempotencyKey = header(event, 'idempotency-key');
      if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
        throw validationError('body', [{ path: ['Idempotency-Key'], message: 'Must be 1 to 255 characters.' }]);
      }
      const taskId = await submitBulkTask(principal.tenantId, {
        kind,
        items,
        ...(idempotencyKey ? { idempotency: { key: idempotencyKey, bodyDigest: sha256(JSON.stringify(body)) } } : {}),
      });
      return json(202, { task: { id: taskId } });
    },
  });
