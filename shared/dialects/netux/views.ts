/** The Netux Organization object. */
import type { ItemResult, TaskReport } from '#shared/domain/bulk-tasks.ts';
import type { App, Organization } from '#shared/domain/organization.ts';

import { codeAndDetail } from './dialect.ts';

const image = (url: string | null) => (url === null ? null : { h36: url, h50: url, raw: url });

export const organizationUrl = (base: string, id: string) => `${base}/api/v2.0/organizations/${id}/`;

/**
 * The organization-object page's `limits`, in its order, with this product's values: nothing is capped
 * (`max_value` "*", as the page shows) and only users are counted (this product has no devices,
 * variables, dots or messages).
 */
const LIMITS = [
  ['Devices', 'devices', 'hdd-o'],
  ['Emails', 'emails', 'envelope'],
  ['Variables', 'variables', 'signal'],
  ['Users', 'users', 'users'],
  ['Dots', 'dots', 'spinner'],
  ['SMS', 'sms', 'mobile-phone'],
  ['Voice', 'voice', null],
] as const;

export const organizationLimits = (usersCount: number) =>
  LIMITS.map(([name, type, icon]) => ({ actual_value: type === 'users' ? usersCount : 0, icon, max_value: '*', name, type }));

export function organizationView(org: Organization, apps: Map<string, App>, base: string) {
  const app = org.appId ? apps.get(org.appId) : undefined;
  const usersCount = org.member.users.length;
  return {
    id: org.id,
    label: org.label,
    name: org.name,
    description: org.description,
    createdAt: org.createdAt,
    updatedAt: org.updatedAt ?? org.createdAt,
    isActive: org.isActive,
    properties: org.properties,
    app: app ? { id: app.id, label: app.label, name: app.name, url: app.url } : null,
    favicon: image(org.favicon),
    logo: image(org.logo),
    // This product has no devices.
    devicesCount: 0,
    usersCount,
    limits: organizationLimits(usersCount),
    url: organizationUrl(base, org.id),
  };
}

export type OrganizationView = ReturnType<typeof organizationView>;

const taskKinds = { create: 'bulk_create', update: 'bulk_update', replace: 'bulk_full_update', delete: 'bulk_delete' } as const;

/** The task report (extension): status, counts (exact at every moment), per-item failures, and created ids for bulk create. */
export function taskView(task: TaskReport) {
  return {
    id: task.id,
    kind: taskKinds[task.kind],
    status: task.status,
    createdAt: task.createdAt,
    finishedAt: task.finishedAt,
    total: task.total,
    succeeded: task.succeeded,
    failed: task.failed,
    pending: task.pending,
    failures: task.failures.map((failure) => {
      // Failures recorded before item problems were stored in domain terms already carry their wording.
      if (!('problem' in failure)) return failure;
      const [code, , detail] = codeAndDetail(failure.problem.kind, failure.problem.message, failure.problem);
      return { index: failure.index, id: failure.id, code, detail };
    }),
    ...(task.kind === 'create' ? { created: task.created } : {}),
  };
}

/** One item's outcome on the task results page (extension): code and detail worded as the task report's failures. */
export function itemResultView(item: ItemResult) {
  const [code, , detail] = item.problem ? codeAndDetail(item.problem.kind, item.problem.message, item.problem) : [null, null, null];
  return { index: item.index, id: item.id, status: item.status, code, detail };
}
