/**
 * The synthesized stack (bundling disabled for speed): table, functions, API, state machine, IAM,
 * cdk-nag, and parity with the route table, the local table and the local state machine file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';

import { notFoundRoutes, routeFunctions, routes, scheduledJobs, workers } from '#functions/routes.ts';
import { buildApp } from '#infra/app.ts';
import { LOGIN_ROUTE, OrgbridgeStack } from '#infra/stack.ts';
import { readDefinition } from '#infra/state-machine/definition.ts';
import { tableDefinition } from '#shared/table-definition.ts';

// CloudFormation properties are free-form JSON; each assertion states the shape it expects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;

const synth = (context: Record<string, unknown> = {}) => {
  const { app, stack } = buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }));
  const assembly = app.synth(); // throws when cdk-nag reports an unacknowledged finding
  return { template: Template.fromStack(stack), assembly };
};

let template: Template;
let resources: Resources;
let assemblyDir: string;
beforeAll(() => {
  const synthesized = synth();
  template = synthesized.template;
  assemblyDir = synthesized.assembly.directory;
  resources = template.toJSON().Resources;
});

/** Routes naming one handler module share its function; the not-found routes share one. */
/** One function per handler module of the routes, one for the not-found routes, one per worker and job. */
const functionCount = () => routeFunctions.length + 1 + workers.length + scheduledJobs.length;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('stack name', () => {
  it('a stackName in the context deploys a separate stack beside "Orgbridge", its one explicit physical name its own', () => {
    const named = (context: Record<string, unknown>) => buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } })).stack;
    expect(named({}).stackName).toBe('Orgbridge');
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Orgbridge-operations' });
    const bench = named({ stackName: 'OrgbridgeBench' });
    expect(bench.stackName).toBe('OrgbridgeBench');
    // The dashboard is the one name that must be unique in the account; the others are generated, per stack.
    Template.fromStack(bench).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'OrgbridgeBench-operations' });
    expect(() => named({ stackName: 'orgbridge_bench' })).toThrow(/stackName must start with a letter/);
  });
});

describe('table', () => {
  it('is on-demand with point-in-time recovery, TTL, retained by default', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
    });
  });

  it('can be destroyed with the stack when the context says so', () => {
    const destroyable = synth({ removalPolicy: 'destroy' }).template;
    destroyable.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });

  it('has exactly the keys and indexes of the shared table definition', () => {
    const [, table] = ofType('AWS::DynamoDB::GlobalTable')[0]!;
    const key = (schema: { AttributeName: string; KeyType: string }[]) => schema.map((k) => `${k.KeyType}:${k.AttributeName}`);
    expect(key(table.Properties.KeySchema)).toEqual([`HASH:${tableDefinition.partitionKey}`, `RANGE:${tableDefinition.sortKey}`]);
    expect(
      table.Properties.GlobalSecondaryIndexes.map((g: { IndexName: string; KeySchema: never; Projection: unknown }) => [
        g.IndexName,
        key(g.KeySchema),
        g.Projection,
      ]),
    ).toEqual(
      tableDefinition.globalSecondaryIndexes.map((g) => [
        g.indexName,
        [`HASH:${g.partitionKey}`, `RANGE:${g.sortKey}`],
        { ProjectionType: 'ALL' },
      ]),
    );
  });
});

describe('functions', () => {
  it('has one function per handler module (routes that share one share it; the not-found routes share one) and per worker, Node.js 24 on arm64, traced', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(functionCount());
    expect(routeFunctions.length).toBeLessThan(routes.length);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.Environment.Variables).toMatchObject({ TABLE_NAME: expect.anything() });
      // No --enable-source-maps: Node would parse each bundle's source map at every cold start (~15 ms, a quarter
      // of a function's init, BENCHMARKS.md); the logger maps the stack of a logged error instead, reading the map
      // then (shared/logger.ts, checked on a built bundle by test/infra/lambda-bundle.test.ts).
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    }
  });

  it('gives each function exactly the table actions its routes declare, on the table ARN only', () => {
    expect(ofType('AWS::IAM::Policy').some(([id]) => id.startsWith(`${notFoundRoutes[0]!.name}FunctionServiceRole`))).toBe(true);
    for (const entry of [...routeFunctions, ...workers, ...scheduledJobs]) {
      const policy = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith(`${entry.name}FunctionServiceRole`));
      expect(policy, entry.name).toBeDefined();
      const statements = policy![1].Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
      const tableStatement = statements.find((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))!;
      expect([tableStatement.Action].flat().sort(), entry.name).toEqual(
        [...new Set(entry.tableActions)].map((a) => `dynamodb:${a}`).sort(),
      );
      expect(JSON.stringify(tableStatement.Resource)).not.toContain('*');
      expect(JSON.stringify(tableStatement.Resource).includes('/index/'), entry.name).toBe('indexes' in entry);
      const startsExecutions = statements.some((s) => [s.Action].flat().includes('states:StartExecution'));
      expect(startsExecutions, entry.name).toBe('startsExecutions' in entry && entry.startsExecutions === true);
    }
  });

  it('uses no wildcard action anywhere, and "*" resources only for actions that have no resource-level permissions', () => {
    const withoutResourceLevel =
      /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
        const actions = [statement.Action].flat();
        for (const action of actions) expect(action, id).not.toMatch(/\*/);
        if (JSON.stringify(statement.Resource) === '"*"') {
          for (const action of actions) expect(action, `${id}: ${action} on *`).toMatch(withoutResourceLevel);
        }
      }
    }
  });

  it('runs each scheduled job from an EventBridge rule', () => {
    expect(ofType('AWS::Events::Rule').map(([, r]) => r.Properties.ScheduleExpression)).toEqual(scheduledJobs.map((j) => j.schedule));
  });

  it('keeps a safe margin under the 500-resource CloudFormation limit (counted with the web ACL, which is on by default)', () => {
    expect(ofType('AWS::WAFv2::WebACL')).toHaveLength(1);
    // 371: 36 functions of about 7 resources each (function, role, policy, log group, API permission, alarm),
    // 82 API methods (47 of them the dialects' 404s: ANY on every resource under the base paths), 50 API resources.
    expect(Object.keys(resources).length).toBeLessThan(400);
  });

  it('answers unknown paths and methods under the base paths from one not-found function with one API-wide permission', () => {
    const notFound = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('NotFoundFunction'))!;
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [notFound[0], 'Arn'] }),
    );
    expect(permissions).toHaveLength(1);
    const anyMethods = ofType('AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'ANY');
    expect(anyMethods).toHaveLength(notFoundRoutes.length);
    for (const [, method] of anyMethods) expect(JSON.stringify(method.Properties.Integration.Uri)).toContain(notFound[0]);
    // No table permission: it reads nothing.
    expect(
      ofType('AWS::IAM::Policy')
        .find(([id]) => id.startsWith('NotFoundFunctionServiceRole'))![1]
        .Properties.PolicyDocument.Statement.some((statement: { Action: string | string[] }) =>
          [statement.Action].flat().some((action) => action.startsWith('dynamodb:')),
        ),
    ).toBe(false);
  });
});

describe('API', () => {
  it('has exactly the methods of the route table (parity)', () => {
    const resourcePath = (id: string): string => {
      const resource = resources[id];
      if (!resource || resource.Type !== 'AWS::ApiGateway::Resource') return '';
      const parent = resource.Properties.ParentId;
      return `${parent?.Ref ? resourcePath(parent.Ref) : ''}/${resource.Properties.PathPart}`;
    };
    const methods = ofType('AWS::ApiGateway::Method').map(
      ([, m]) => `${m.Properties.HttpMethod} ${resourcePath(m.Properties.ResourceId.Ref)}`,
    );
    expect(methods.sort()).toEqual([...routes, ...notFoundRoutes].map((r) => `${r.method} ${r.path}`).sort());
  });

  it('logs access, traces and throttles the stage, and the anonymous login below it', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }),
        // API Gateway escapes the slashes of a method-setting path as ~1.
        Match.objectLike({
          HttpMethod: 'POST',
          ResourcePath: `/${LOGIN_ROUTE.path.replaceAll('/', '~1')}`,
          ThrottlingRateLimit: 10,
          ThrottlingBurstLimit: 20,
        }),
      ]),
    });
    expect(LOGIN_ROUTE).toMatchObject({ method: 'POST', path: '/rest/api/v1.3/auth/token' });
  });

  it("adds nosniff to API Gateway's own 4xx and 5xx answers", () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: { 'gatewayresponse.header.X-Content-Type-Options': "'nosniff'" },
      });
    }
  });
});

describe('web ACL', () => {
  const rule = (name: string) =>
    (ofType('AWS::WAFv2::WebACL')[0]![1].Properties.Rules as { Name: string; Statement: { RateBasedStatement: unknown } }[]).find(
      (r) => r.Name === name,
    );

  it('limits requests per client IP over the whole API, and logins per client IP more strictly, answering 429', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(rule('RequestsPerIp')!.Statement.RateBasedStatement).toEqual({ AggregateKeyType: 'IP', Limit: 3000, EvaluationWindowSec: 300 });
    expect(rule('LoginPerIp')!.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: 100,
      EvaluationWindowSec: 300,
      ScopeDownStatement: {
        ByteMatchStatement: expect.objectContaining({ SearchString: LOGIN_ROUTE.path, PositionalConstraint: 'CONTAINS' }),
      },
    });
    expect(rule('LoginPerIp')).toMatchObject({
      Action: {
        Block: { CustomResponse: { ResponseCode: 429, ResponseHeaders: expect.arrayContaining([{ Name: 'Retry-After', Value: '300' }]) } },
      },
    });
  });

  it('is associated with the stage, after the stage exists', () => {
    const [stageId] = ofType('AWS::ApiGateway::Stage')[0]!;
    const [, association] = ofType('AWS::WAFv2::WebACLAssociation')[0]!;
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain('/stages/');
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(`"Ref":"${ofType('AWS::ApiGateway::RestApi')[0]![0]}"`);
    expect((association as unknown as { DependsOn: string[] }).DependsOn).toContain(stageId);
    expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [ofType('AWS::WAFv2::WebACL')[0]![0], 'Arn'] });
  });

  it('takes its limit from the context, and is turned off by waf=false', () => {
    const tuned = synth({ wafRateLimit: '1200' }).template.toJSON().Resources as Resources;
    const acl = Object.values(tuned).find((r) => r.Type === 'AWS::WAFv2::WebACL')!;
    expect(acl.Properties.Rules.find((r: { Name: string }) => r.Name === 'RequestsPerIp').Statement.RateBasedStatement.Limit).toBe(1200);
    const off = synth({ waf: 'false' }).template; // cdk-nag passes: APIG3 is acknowledged only here
    off.resourceCountIs('AWS::WAFv2::WebACL', 0);
    off.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    expect(() => synth({ waf: 'no' })).toThrow(/waf must be "true" or "false"/);
  });

  it('is what cdk-nag checks: without it (and no acknowledgement) AwsSolutions-APIG3 is reported, with it never', () => {
    const findings = (enabled: boolean): string[] => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      new OrgbridgeStack(app, 'Orgbridge', { stageName: 'v1', removalPolicy: RemovalPolicy.DESTROY, waf: { enabled } });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app)); // no acknowledgements at all
      try {
        app.synth();
        return [];
      } catch (error) {
        const report = JSON.parse(readFileSync(/found in: (\S+)/.exec((error as Error).message)![1]!, 'utf8'));
        return report.pluginReports.flatMap((p: { violations: { ruleName: string }[] }) => p.violations.map((v) => v.ruleName));
      }
    };
    expect(findings(false)).toContain('AwsSolutions-APIG3');
    const withAcl = findings(true);
    expect(withAcl.length).toBeGreaterThan(0); // the other acknowledged findings, so the check ran
    expect(withAcl).not.toContain('AwsSolutions-APIG3');
  });
});

describe('state machine', () => {
  it('is a Standard state machine whose definition is the file the local runner executes', () => {
    const [, machine] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    // CDK uploads the file as an asset: the uploaded bytes are the file the local runner reads.
    const asset = readFileSync(join(assemblyDir, `asset.${machine.Properties.DefinitionS3Location.Key}`), 'utf8');
    expect(asset).toBe(readDefinition());
    expect(Object.keys(machine.Properties.DefinitionSubstitutions).sort()).toEqual(workers.map((w) => w.substitution).sort());
    expect(machine.Properties.LoggingConfiguration.Level).toBe('ALL');
    expect(machine.Properties.TracingConfiguration.Enabled).toBe(true);
  });
});

describe('operations', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const topicRef = () => ofType('AWS::SNS::Topic')[0]![0];

  it('alarms on errors and throttles of every function, each notifying the alarm topic', () => {
    const functionIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && !r.Properties.Handler?.includes('LogRetention'))
      .map(([id]) => id);
    // One alarm per function on errors + throttles (metric math over the function's two metrics).
    const perFunction = alarms().filter((a) => a.Metrics?.some((m: { Expression?: string }) => m.Expression === 'errors + throttles'));
    expect(perFunction).toHaveLength(functionCount());
    for (const metricName of ['Errors', 'Throttles']) {
      const watched = perFunction.map((a) => {
        const metric = a.Metrics.find(
          (m: { MetricStat?: { Metric: { MetricName: string } } }) => m.MetricStat?.Metric.MetricName === metricName,
        );
        expect(metric.MetricStat.Metric.Namespace, metricName).toBe('AWS/Lambda');
        return metric.MetricStat.Metric.Dimensions[0].Value.Ref as string;
      });
      expect(watched.sort(), metricName).toEqual(functionIds.filter((id) => watched.includes(id)).sort());
      expect(new Set(watched).size, metricName).toBe(functionCount());
    }
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicRef() }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('alarms on the API 5xx rate, failed bulk-task executions and DynamoDB throttles of the table and its index', () => {
    const byExpression = (fragment: string) =>
      alarms().find((a) => a.Metrics?.some((m: { Expression?: string }) => m.Expression?.includes(fragment)));
    const api = byExpression('100 * errors / requests')!;
    expect(
      api.Metrics.filter((m: { MetricStat?: { Metric: { MetricName: string } } }) => m.MetricStat)
        .map((m: { MetricStat: { Metric: { MetricName: string } } }) => m.MetricStat.Metric.MetricName)
        .sort(),
    ).toEqual(['5XXError', 'Count']);
    expect(api).toMatchObject({ Threshold: 1, EvaluationPeriods: 3 });
    const executions = byExpression('failed + timedOut + aborted')!;
    expect(
      executions.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat)
        .map((m: { MetricStat: { Metric: { MetricName: string } } }) => m.MetricStat.Metric.MetricName)
        .sort(),
    ).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    const dynamo = byExpression('tableReads')!;
    const dimensions = dynamo.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map(
      (m: { MetricStat: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }) =>
        `${m.MetricStat.Metric.MetricName} ${m.MetricStat.Metric.Dimensions.map((d) => (d.Name === 'GlobalSecondaryIndexName' ? d.Value : d.Name)).join(',')}`,
    );
    expect(dimensions.sort()).toEqual([
      'ReadThrottleEvents GSI1,TableName',
      'ReadThrottleEvents TableName',
      'WriteThrottleEvents GSI1,TableName',
      'WriteThrottleEvents TableName',
    ]);
  });

  it('has an encrypted, TLS-only alarm topic, an email subscription only when asked, and a dashboard', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const body = JSON.stringify(ofType('AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody);
    for (const title of [
      'Alarms',
      'API requests and errors',
      'API latency',
      'Lambda errors',
      'Lambda throttles',
      'Bulk-task executions',
      'DynamoDB throttles',
    ])
      expect(body).toContain(title);
    const withEmail = synth({ alarmEmail: 'ops@example.org' }).template;
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });

  it('keeps every log group for a bounded time and traces functions, API and state machine', () => {
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups.length).toBe(functionCount() + 2);
    for (const [, group] of logGroups) expect(group.Properties.RetentionInDays).toBe(30);
    for (const [, fn] of ofType('AWS::Lambda::Function')) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it('takes the stage name from the stack parameters', () => {
    synth({ stageName: 'prod' }).template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' });
  });
});
