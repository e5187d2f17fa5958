/**
 * Operations: CloudWatch alarms (API 5xx rate, Lambda errors and throttles, failed bulk-task
 * executions, DynamoDB throttling) that notify one SNS topic, and a dashboard of the same signals.
 */
import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

import { tableDefinition } from '#shared/table-definition.ts';

import type { OrgbridgeFunction } from './orgbridge-function.ts';

export interface OperationsProps {
  api: RestApi;
  functions: Map<string, OrgbridgeFunction>;
  stateMachine: StateMachine;
  table: TableV2;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
  /** API 5xx responses, percent of requests over 5 minutes (default 1). */
  api5xxPercent?: number;
}

const FIVE_MINUTES = Duration.minutes(5);

export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'Orgbridge alarms',
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (alarmId: string, metric: IMetric, description: string, threshold = 1, evaluationPeriods = 1) => {
      const created = new Alarm(this, alarmId, {
        metric,
        alarmDescription: description,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    // API: a rate, not a count, so a busy hour does not page for the same error ratio.
    const requests = props.api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' });
    const serverErrors = props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    const api5xxRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      label: 'API 5xx (% of requests)',
      period: FIVE_MINUTES,
    });
    alarm(
      'Api5xxRate',
      api5xxRate,
      `More than ${props.api5xxPercent ?? 1}% of API requests answered 5xx for 3 five-minute periods in a row.`,
      props.api5xxPercent ?? 1,
      3,
    );
    // Lambda: every function, errors (unhandled: the dialects answer handled errors themselves) and
    // throttles in one alarm (one resource per function, not two: the stack stays well under CloudFormation's
    // 500); the dashboard shows which of the two it was.
    for (const [name, fn] of props.functions) {
      const errorsOrThrottles = new MathExpression({
        expression: 'errors + throttles',
        usingMetrics: {
          errors: fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          throttles: fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        },
        label: `${name}: errors + throttles`,
        period: FIVE_MINUTES,
      });
      alarm(`${name}ErrorsOrThrottles`, errorsOrThrottles, `${name}: invocation errors or throttled invocations (concurrency limit).`);
    }
    // Bulk tasks: any execution that failed, timed out or was aborted.
    const executionsEnded = new MathExpression({
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: props.stateMachine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
        timedOut: props.stateMachine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
        aborted: props.stateMachine.metricAborted({ period: FIVE_MINUTES, statistic: 'Sum' }),
      },
      label: 'Bulk-task executions failed, timed out or aborted',
      period: FIVE_MINUTES,
    });
    alarm(
      'BulkTaskExecutionsFailed',
      executionsEnded,
      'A bulk-task execution failed, timed out or was aborted (its task is finalized by the reconciler).',
    );
    // DynamoDB: throttled reads and writes on the table and on each index.
    const throttle = (metricName: string, key: string, index?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
        period: FIVE_MINUTES,
        statistic: 'Sum',
        label: key,
      });
    const throttleMetrics: Record<string, IMetric> = {
      tableReads: throttle('ReadThrottleEvents', 'table reads'),
      tableWrites: throttle('WriteThrottleEvents', 'table writes'),
    };
    tableDefinition.globalSecondaryIndexes.forEach((gsi, i) => {
      throttleMetrics[`index${i}Reads`] = throttle('ReadThrottleEvents', `${gsi.indexName} reads`, gsi.indexName);
      throttleMetrics[`index${i}Writes`] = throttle('WriteThrottleEvents', `${gsi.indexName} writes`, gsi.indexName);
    });
    const dynamoThrottles = new MathExpression({
      expression: Object.keys(throttleMetrics).join(' + '),
      usingMetrics: throttleMetrics,
      label: 'DynamoDB throttle events',
      period: FIVE_MINUTES,
    });
    alarm('DynamoDbThrottles', dynamoThrottles, 'DynamoDB throttled requests on the table or an index (clients get 429 with Retry-After).');

    const functions = [...props.functions.values()];
    const perFunction = (metric: (fn: OrgbridgeFunction) => IMetric) => functions.map(metric);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${scope.node.id}-operations` });
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [requests, props.api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum' }), serverErrors],
        right: [api5xxRate],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency',
        left: [
          props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }),
          props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
        ],
        right: [props.api.metricIntegrationLatency({ period: FIVE_MINUTES, statistic: 'p99' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors',
        left: perFunction((fn) => fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda throttles',
        left: perFunction((fn) => fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda duration p99',
        left: perFunction((fn) => fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Bulk-task executions',
        left: [
          props.stateMachine.metricStarted({ period: FIVE_MINUTES, statistic: 'Sum' }),
          props.stateMachine.metricSucceeded({ period: FIVE_MINUTES, statistic: 'Sum' }),
          executionsEnded,
        ],
        width: 12,
      }),
      new GraphWidget({ title: 'DynamoDB throttles', left: [dynamoThrottles], width: 12 }),
    );
  }
}
