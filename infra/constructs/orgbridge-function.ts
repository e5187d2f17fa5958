/**
 * The defaults every Orgbridge Lambda shares: Node.js 24 on arm64, an ESM bundle that is minified,
 * source-mapped (the map beside it, read by the logger when it logs an error, no NODE_OPTIONS) and carries its
 * own AWS SDK (bundled as infra/bundling.ts says, Lambda-only replacements included), X-Ray tracing, Lambda's JSON log format (shared/logger.ts writes JSON lines), a log group with
 * retention, and an IAM policy with exactly the table actions the handler performs.
 */
import { resolve } from 'node:path';

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

import { repoRoot, type TableAction } from '#functions/routes.ts';
import { bundling } from '#infra/bundling.ts';

export interface OrgbridgeFunctionProps {
  /** Handler module relative to the repository root. */
  handler: string;
  table: ITableV2;
  tableActions: TableAction[];
  /** Secondary indexes the handler queries, granted by name. */
  indexes?: string[];
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

export class OrgbridgeFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: OrgbridgeFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.function = new NodejsFunction(this, 'Function', {
      entry: resolve(repoRoot, props.handler),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(29),
      tracing: Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: repoRoot,
      depsLockFilePath: resolve(repoRoot, 'package-lock.json'),
      environment: {
        TABLE_NAME: props.table.tableName,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: bundling.target,
        minify: bundling.minify,
        sourceMap: bundling.sourcemap,
        sourcesContent: bundling.sourcesContent,
        // The SDK is bundled (not taken from the runtime) so versions are pinned and tree-shaken.
        externalModules: [],
        mainFields: [...bundling.mainFields],
        banner: bundling.banner,
        esbuildArgs: { '--alias': Object.entries(bundling.alias).map(([from, to]) => `${from}=${to}`) },
      },
    });
    if (props.tableActions.length > 0) {
      // Exactly the handler's actions, on the table and the indexes it names.
      this.function.addToRolePolicy(
        new PolicyStatement({
          actions: [...new Set(props.tableActions)].map((action) => `dynamodb:${action}`),
          resources: [props.table.tableArn, ...(props.indexes ?? []).map((index) => `${props.table.tableArn}/index/${index}`)],
        }),
      );
    }
  }
}
