/**
 * The one route table. The CDK stack creates an API Gateway method and a Lambda function per route
 * from it; the local API Gateway server routes requests to the same handler modules from it.
 * Paths are API Gateway resource paths (no trailing slash; both forms are served).
 */
import { fileURLToPath } from 'node:url';

import { basePaths } from '#shared/base-paths.ts';
import { gsi1 } from '#shared/table-definition.ts';

/** The repository root: route handler paths are relative to it. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export type DialectName = 'engagement' | 'netux' | 'apidae' | 'responsys';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** DynamoDB actions a handler performs: its IAM policy grants exactly these on the table. */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem'
  /** The UPDATE statements of BatchExecuteStatement (the bulk worker's batched in-place writes). */
  | 'PartiQLUpdate';

export interface Route {
  /**
   * Stable name: the OpenAPI operation id, and the Lambda function's construct id and log name (routes
   * naming the same handler module share one function: the first one's).
   */
  name: string;
  dialect: DialectName;
  /** `ANY`: every method no other route of the path takes (the not-found routes only). */
  method: HttpMethod | 'ANY';
  path: string;
  /** Module that exports `handler`, relative to the repository root. */
  handler: string;
  tableActions: TableAction[];
  /** The function starts bulk-task executions (gets states:StartExecution). */
  startsExecutions?: boolean;
}

/** Every authenticated request reads its credential and counts itself in its rate-limit window. */
const authenticated: TableAction[] = ['GetItem', 'UpdateItem'];

/**
 * A route builder per dialect: names are prefixed with the dialect, paths with its base path (a path
 * already under /rest/ is kept, for Responsys' unversioned rate-limit resource), handlers live in
 * functions/<dialect>/, and table actions include what authentication needs.
 */
const routesOf =
  (dialect: DialectName, namePrefix: string, basePath: string) =>
  (name: string, method: HttpMethod, path: string, module: string, tableActions: TableAction[], extra: Partial<Route> = {}): Route => ({
    name: `${namePrefix}${name}`,
    dialect,
    method,
    path: path.startsWith('/rest/') ? path : `${basePath}${path}`,
    handler: `functions/${dialect}/${module}.ts`,
    tableActions: [...authenticated, ...tableActions],
    ...extra,
  });

const netux = routesOf('netux', 'Netux', basePaths.netux);
const engagement = routesOf('engagement', 'Engagement', basePaths.engagement);
const apidae = routesOf('apidae', 'Apidae', basePaths.apidae);
const responsys = routesOf('responsys', 'Responsys', basePaths.responsys);

/** Organization writes: read-modify-write transactions over the organization and its guard items. */
const organizationWrite: TableAction[] = ['Query', 'PutItem', 'DeleteItem', 'ConditionCheckItem'];
/** The Apidae utilisateur services: member index query + batch read, or the member by integer id. */
const utilisateurs: TableAction[] = ['Query', 'BatchGetItem'];
/** Submitting stores the task; an Idempotency-Key retry of a stuck task reads its chunk records and reopens it. */
const bulkSubmit: TableAction[] = ['PutItem', 'BatchWriteItem', 'DeleteItem', 'Query'];

export const routes: Route[] = [
  engagement('PutMyOrganization', 'PUT', '/myorganization/{organizationClientId}', 'put-my-organization', [
    'Query',
    'BatchGetItem',
    'PutItem',
  ]),
  engagement('GetMyOrganization', 'GET', '/myorganization/{organizationClientId}', 'get-my-organization', ['Query', 'BatchGetItem']),
  engagement('ListPublishers', 'GET', '/publisher', 'list-publishers', ['Query', 'BatchGetItem']),
  engagement('GetPublisher', 'GET', '/publisher/{id}', 'get-publisher', []),
  engagement('SearchOrganizations', 'GET', '/organization', 'search-organizations', ['Query']),
  apidae('GetMembres', 'GET', '/membre/get-membres', 'get-membres', ['Query', 'BatchGetItem']),
  apidae('PostMembres', 'POST', '/membre/get-membres', 'get-membres', ['Query', 'BatchGetItem']),
  apidae('GetById', 'GET', '/membre/get-by-id/{id}', 'get-by-id', []),
  // The three utilisateur services are one handler (one function): a user index query or a member read.
  apidae('GetUtilisateurById', 'GET', '/utilisateur/get-by-id/{id}', 'get-utilisateurs', utilisateurs),
  apidae('GetUtilisateurByMail', 'GET', '/utilisateur/get-by-mail/{eMail}', 'get-utilisateurs', utilisateurs),
  apidae('GetUtilisateursByMembre', 'GET', '/utilisateur/get-by-membre/{membreId}', 'get-utilisateurs', utilisateurs),
  // Login is anonymous: it reads the user, counts the attempt (login throttle), stores the new token and,
  // on refresh, deletes the old one (and, on success, the user's attempt counter).
  responsys('Login', 'POST', '/auth/token', 'login', [], { tableActions: ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'] }),
  responsys('GetOrganizations', 'GET', '/attributes/organizations', 'get-organizations', ['Query']),
  responsys('SetProgramAccess', 'POST', '/attributes/programs/{programName}', 'set-program-access', ['Query']),
  responsys('GetProgramAccess', 'GET', '/attributes/programs/{programName}', 'get-program-access', ['Query']),
  responsys('SetCampaignAccess', 'POST', '/attributes/campaigns/{campaignName}', 'set-campaign-access', ['Query']),
  responsys('GetCampaignAccess', 'GET', '/attributes/campaigns/{campaignName}', 'get-campaign-access', ['Query']),
  responsys('ListPrograms', 'GET', '/programs', 'list-programs', ['Query']),
  responsys('GetProgram', 'GET', '/programs/{programName}', 'get-program', []),
  responsys('ListCampaigns', 'GET', '/campaigns', 'list-campaigns', ['Query']),
  responsys('GetCampaign', 'GET', '/campaigns/{campaignName}', 'get-campaign', []),
  responsys('GetRateLimits', 'GET', '/rest/api/ratelimit', 'get-rate-limits', []),
  netux('ListOrganizations', 'GET', '/organizations', 'list-organizations', ['Query']),
  netux('CreateOrganization', 'POST', '/organizations', 'create-organization', organizationWrite),
  netux('GetOrganization', 'GET', '/organizations/{key}', 'get-organization', ['Query']),
  netux('PatchOrganization', 'PATCH', '/organizations/{key}', 'patch-organization', organizationWrite),
  netux('PutOrganization', 'PUT', '/organizations/{key}', 'put-organization', organizationWrite),
  netux('DeleteOrganization', 'DELETE', '/organizations/{key}', 'delete-organization', [...organizationWrite, 'BatchGetItem']),
  netux('BulkUpdate', 'PATCH', '/organizations/_/bulk/update', 'bulk-update', bulkSubmit, { startsExecutions: true }),
  netux('BulkFullUpdate', 'POST', '/organizations/_/bulk/update', 'bulk-full-update', bulkSubmit, { startsExecutions: true }),
  netux('BulkCreate', 'POST', '/organizations/_/bulk/create', 'bulk-create', bulkSubmit, { startsExecutions: true }),
  netux('BulkDelete', 'POST', '/organizations/_/bulk/delete', 'bulk-delete', bulkSubmit, { startsExecutions: true }),
  // The vendor's other bulk-delete examples (devices, events) send DELETE: the same handler and function.
  netux('BulkDeleteByDelete', 'DELETE', '/organizations/_/bulk/delete', 'bulk-delete', bulkSubmit, { startsExecutions: true }),
  netux('GetTask', 'GET', '/tasks/{taskId}', 'get-task', ['Query']),
  netux('GetTaskResults', 'GET', '/tasks/{taskId}/results', 'get-task-results', ['Query']),
];

/** The resource paths a route path opens, from the first segment down to itself (`/a/b` → `/a`, `/a/b`). */
const resourcePathsOf = (path: string) =>
  path
    .split('/')
    .slice(1)
    .map((_, i, segments) => `/${segments.slice(0, i + 1).join('/')}`);

const notFoundRoute = (dialect: DialectName, path: string): Route => ({
  name: 'NotFound',
  dialect,
  method: 'ANY',
  path,
  handler: 'functions/not-found.ts',
  tableActions: [],
});

/**
 * What answers, in the dialect's own 404 format, a request under a dialect's base path that no route
 * takes (API Gateway would answer its 403 "Missing Authentication Token"): one function, anonymous, no
 * table access. `ANY` on the base path and on every resource the routes open at or under it (another
 * method, or a path prefix no route ends at), and on each route's own resource outside it (Responsys'
 * unversioned /rest/api/ratelimit); a greedy `{proxy+}` under each base path takes every deeper path.
 * Both runtimes read this list: the CDK stack adds these methods, the local gateway tries them after
 * every route.
 */
export const notFoundRoutes: Route[] = (() => {
  const owners = new Map<string, DialectName>((Object.entries(basePaths) as [DialectName, string][]).map(([d, base]) => [base, d]));
  for (const route of routes) {
    const base = basePaths[route.dialect];
    for (const path of resourcePathsOf(route.path)) {
      if (path === route.path || path === base || path.startsWith(`${base}/`)) owners.set(path, route.dialect);
    }
  }
  return [
    ...[...owners].map(([path, dialect]) => notFoundRoute(dialect, path)),
    ...(Object.entries(basePaths) as [DialectName, string][]).map(([dialect, base]) => notFoundRoute(dialect, `${base}/{proxy+}`)),
  ];
})();

/**
 * One Lambda function per handler module (CDK): the routes a module serves share it, with the union of
 * their table actions, so a resource served under several paths or methods costs one function, one
 * role and one log group (the CloudFormation stack stays well under its 500 resources). Named after
 * the module's first route.
 */
export interface RouteFunction {
  name: string;
  handler: string;
  routes: Route[];
  tableActions: TableAction[];
  startsExecutions: boolean;
}

export const routeFunctions: RouteFunction[] = [...new Set(routes.map((route) => route.handler))].map((handler) => {
  const served = routes.filter((route) => route.handler === handler);
  return {
    name: served[0]!.name,
    handler,
    routes: served,
    tableActions: [...new Set(served.flatMap((route) => route.tableActions))],
    startsExecutions: served.some((route) => route.startsExecutions === true),
  };
});

/** Bulk-task workers the state machine invokes (not behind API Gateway). */
export interface Worker {
  name: string;
  /** The Task state in the ASL definition that invokes this worker (unique state names). */
  stateName: string;
  /** Definition substitution key (`${Key}`) that CDK replaces with the function ARN. */
  substitution: string;
  handler: string;
  tableActions: TableAction[];
}

export const workers: Worker[] = [
  {
    name: 'TaskPrepare',
    stateName: 'PrepareTask',
    substitution: 'PrepareTaskFunctionArn',
    handler: 'functions/tasks/prepare-task.ts',
    tableActions: ['GetItem', 'UpdateItem'],
  },
  {
    name: 'TaskApplyChunk',
    stateName: 'ApplyChunk',
    substitution: 'ApplyChunkFunctionArn',
    handler: 'functions/tasks/apply-chunk.ts',
    tableActions: ['GetItem', 'Query', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'PartiQLUpdate'],
  },
  {
    name: 'TaskFinalize',
    stateName: 'FinalizeTask',
    substitution: 'FinalizeTaskFunctionArn',
    handler: 'functions/tasks/finalize-task.ts',
    tableActions: ['GetItem', 'Query', 'UpdateItem'],
  },
];

/** Scheduled jobs (EventBridge rules in AWS, timers in the local runtime). */
export interface ScheduledJob {
  name: string;
  handler: string;
  /** EventBridge schedule expression. */
  schedule: string;
  everyMs: number;
  tableActions: TableAction[];
  /** Secondary indexes the job queries (granted by name, never `index/*`). */
  indexes?: string[];
  /** The job starts bulk-task executions (gets states:StartExecution). */
  startsExecutions?: boolean;
}

export const scheduledJobs: ScheduledJob[] = [
  {
    name: 'TaskReconcile',
    handler: 'functions/tasks/reconcile-tasks.ts',
    schedule: 'rate(15 minutes)',
    everyMs: 15 * 60 * 1000,
    tableActions: ['Query', 'GetItem', 'UpdateItem'],
    indexes: [gsi1],
    startsExecutions: true,
  },
];
