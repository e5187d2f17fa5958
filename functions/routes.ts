/**
 * The one route table. The CDK stack creates an API Gateway method and a Lambda function per route
 * from it; the local API Gateway server routes requests to the same handler modules from it.
 * Paths are API Gateway resource paths (no trailing slash; both forms are served).
 */
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
  | 'ConditionCheckItem';

export interface Route {
  /** Stable name: the Lambda function's construct id and log name. */
  name: string;
  dialect: DialectName;
  method: HttpMethod;
  path: string;
  /** Module that exports `handler`, relative to the repository root. */
  handler: string;
  tableActions: TableAction[];
  /** The function starts bulk-task executions (gets states:StartExecution). */
  startsExecutions?: boolean;
}

/** Every authenticated request reads its credential and counts itself in its rate-limit window. */
const authenticated: TableAction[] = ['GetItem', 'UpdateItem'];

export const routes: Route[] = [
  {
    name: 'NetuxListOrganizations',
    dialect: 'netux',
    method: 'GET',
    path: '/api/v2.0/organizations',
    handler: 'functions/netux/list-organizations.ts',
    tableActions: [...authenticated, 'Query'],
  },
  {
    name: 'NetuxGetOrganization',
    dialect: 'netux',
    method: 'GET',
    path: '/api/v2.0/organizations/{key}',
    handler: 'functions/netux/get-organization.ts',
    tableActions: [...authenticated, 'Query'],
  },
];

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

export const workers: Worker[] = [];
