/**
 * The Orgbridge stack: the single table, one function per route of the route table, a REST API built
 * from that same table, and the bulk-task state machine from the shared ASL file.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

import { notFoundRoutes, type Route, routeFunctions, routes, scheduledJobs, type TableAction, workers } from '#functions/routes.ts';
import { ApiFirewall } from '#infra/constructs/api-firewall.ts';
import { Operations } from '#infra/constructs/operations.ts';
import { OrgbridgeFunction, type OrgbridgeFunctionProps } from '#infra/constructs/orgbridge-function.ts';
import { definitionPath } from '#infra/state-machine/definition.ts';
import { tableDefinition } from '#shared/table-definition.ts';

export interface OrgbridgeStackProps extends StackProps {
  stageName: string;
  removalPolicy: RemovalPolicy;
  logRetention?: RetentionDays;
  throttling?: { rateLimit: number; burstLimit: number };
  /** Method-level throttling of the anonymous Responsys login, for all clients together (default 10/s, burst 20). */
  loginThrottling?: { rateLimit: number; burstLimit: number };
  /** The AWS WAF web ACL on the stage (rate-based rules per client IP); on unless `enabled: false`. */
  waf?: { enabled: boolean; requestsPerFiveMinutes?: number; loginsPerFiveMinutes?: number };
  /** Receives the alarms (SNS email subscription) when given. */
  alarmEmail?: string;
}

/** The anonymous login route: throttled per method in API Gateway and per client IP in WAF. */
export const LOGIN_ROUTE = routes.find((route) => route.name === 'ResponsysLogin')!;

export class OrgbridgeStack extends Stack {
  readonly table: TableV2;
  readonly api: RestApi;
  readonly stateMachine: StateMachine;
  readonly functions = new Map<string, OrgbridgeFunction>();
  readonly operations: Operations;
  readonly firewall?: ApiFirewall;

  constructor(scope: Construct, id: string, props: OrgbridgeStackProps) {
    super(scope, id, props);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const { partitionKey, sortKey, timeToLiveAttribute, globalSecondaryIndexes } = tableDefinition;

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute,
      removalPolicy: props.removalPolicy,
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      globalSecondaryIndexes: globalSecondaryIndexes.map((gsi) => ({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: AttributeType.STRING },
      })),
    });

    const fn = (id: string, handler: string, tableActions: TableAction[], extra: Partial<OrgbridgeFunctionProps> = {}) => {
      const created = new OrgbridgeFunction(this, id, {
        handler,
        table: this.table,
        tableActions,
        logRetention,
        removalPolicy: props.removalPolicy,
        ...extra,
      });
      this.functions.set(id, created);
      return created;
    };

    // Workers first: the state machine needs their ARNs.
    const substitutions: Record<string, string> = {};
    const workerFunctions = workers.map((worker) => {
      const created = fn(worker.name, worker.handler, worker.tableActions, { timeout: Duration.minutes(5) });
      substitutions[worker.substitution] = created.function.functionArn;
      return created;
    });
    this.stateMachine = new StateMachine(this, 'BulkTasks', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(definitionPath),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      timeout: Duration.hours(1),
      logs: {
        destination: new LogGroup(this, 'BulkTasksLogs', { retention: logRetention, removalPolicy: props.removalPolicy }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    // Invoke exactly the worker functions (grantInvoke would add every version, `:*`).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: workerFunctions.map((w) => w.function.functionArn) }),
    );

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy: props.removalPolicy });
    this.api = new RestApi(this, 'Api', {
      restApiName: 'orgbridge',
      description: 'Orgbridge: one organization directory, four API dialects',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: props.removalPolicy,
      binaryMediaTypes: ['multipart/form-data', 'application/octet-stream', 'image/*'],
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        throttlingRateLimit: props.throttling?.rateLimit ?? 500,
        throttlingBurstLimit: props.throttling?.burstLimit ?? 1000,
        methodOptions: {
          // Every login attempt costs a scrypt: a ceiling for all clients together, below the stage's.
          [`${LOGIN_ROUTE.path}/${LOGIN_ROUTE.method}`]: {
            throttlingRateLimit: props.loginThrottling?.rateLimit ?? 10,
            throttlingBurstLimit: props.loginThrottling?.burstLimit ?? 20,
          },
        },
      },
    });
    // API Gateway's own answers (unknown path, throttled, too large, integration failure) carry nosniff too.
    for (const type of [ResponseType.DEFAULT_4XX, ResponseType.DEFAULT_5XX]) {
      this.api.addGatewayResponse(type.responseType, { type, responseHeaders: { 'X-Content-Type-Options': "'nosniff'" } });
    }
    if (props.waf?.enabled !== false) {
      this.firewall = new ApiFirewall(this, 'Firewall', {
        stage: this.api.deploymentStage,
        loginPath: LOGIN_ROUTE.path,
        requestsPerFiveMinutes: props.waf?.requestsPerFiveMinutes,
        loginsPerFiveMinutes: props.waf?.loginsPerFiveMinutes,
      });
    }

    const resources = new Map<string, IResource>([['', this.api.root]]);
    const resourceFor = (path: string): IResource => {
      const existing = resources.get(path);
      if (existing) return existing;
      const cut = path.lastIndexOf('/');
      const created = resourceFor(path.slice(0, cut)).addResource(path.slice(cut + 1));
      resources.set(path, created);
      return created;
    };

    for (const served of routeFunctions) {
      const created = fn(served.name, served.handler, served.tableActions, {
        environment: served.startsExecutions ? { STATE_MACHINE_ARN: this.stateMachine.stateMachineArn } : {},
      });
      if (served.startsExecutions) this.stateMachine.grantStartExecution(created.function);
      // Authentication is the dialect's own (four credential kinds, each answered in its format).
      const integration = new LambdaIntegration(created.function, { allowTestInvoke: false });
      for (const route of served.routes) resourceFor(route.path).addMethod(route.method, integration);
    }

    // The dialects' own 404: one anonymous function with no table access takes dozens of ANY methods, so
    // one invoke permission for the whole API, not one per method.
    const [notFound] = notFoundRoutes as [Route];
    const notFoundIntegration = new LambdaIntegration(fn(notFound.name, notFound.handler, []).function, { scopePermissionToMethod: false });
    for (const route of notFoundRoutes) resourceFor(route.path).addMethod(route.method, notFoundIntegration);

    for (const job of scheduledJobs) {
      const created = fn(job.name, job.handler, job.tableActions, {
        indexes: job.indexes,
        timeout: Duration.minutes(5),
        environment: job.startsExecutions ? { STATE_MACHINE_ARN: this.stateMachine.stateMachineArn } : {},
      });
      if (job.startsExecutions) this.stateMachine.grantStartExecution(created.function);
      new Rule(this, `${job.name}Schedule`, {
        schedule: Schedule.expression(job.schedule),
        targets: [new LambdaFunction(created.function)],
      });
    }

    this.operations = new Operations(this, 'Operations', {
      api: this.api,
      functions: this.functions,
      stateMachine: this.stateMachine,
      table: this.table,
      alarmEmail: props.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the four dialects' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'Load seeds with: npm run seed -- --table <this>' });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.topic.topicArn, description: 'Subscribe to receive the alarms' });
    new CfnOutput(this, 'DashboardName', { value: this.operations.dashboard.dashboardName });
  }
}
