/**
 * CDK app. Context (cdk.json or -c): `stackName` (default "Orgbridge": another name deploys a second, separate
 * stack in the same account and region, such as a throwaway one for the scale bench), `stageName` (default "v1"),
 * `removalPolicy` ("retain" | "destroy",
 * default "retain"), `alarmEmail` (optional), `waf` ("true" | "false", default "true": the AWS WAF web
 * ACL with its per-IP rate rules) and `wafRateLimit` (requests per client IP in 5 minutes, default 3000).
 * These are synth-time parameters, not CloudFormation ones: a DeletionPolicy cannot take a
 * CloudFormation parameter, and the stage name is part of every URL.
 * cdk-nag's AwsSolutions pack runs on every synth; each suppression says why.
 */
import { App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

import { applyNagSuppressions } from './nag-suppressions.ts';
import { OrgbridgeStack } from './stack.ts';

export function buildApp(app = new App()) {
  const removal = (app.node.tryGetContext('removalPolicy') as string | undefined) ?? 'retain';
  if (removal !== 'retain' && removal !== 'destroy') throw new Error(`removalPolicy must be "retain" or "destroy", not "${removal}"`);
  // `-c waf=false` arrives as a string, a cdk.json value as a boolean.
  const waf = String(app.node.tryGetContext('waf') ?? 'true');
  if (waf !== 'true' && waf !== 'false') throw new Error(`waf must be "true" or "false", not "${waf}"`);
  const wafRateLimit = app.node.tryGetContext('wafRateLimit') as string | number | undefined;
  if (wafRateLimit !== undefined && !(Number.isInteger(Number(wafRateLimit)) && Number(wafRateLimit) >= 10)) {
    throw new Error(`wafRateLimit must be an integer of at least 10 (requests per IP in 5 minutes), not "${wafRateLimit}"`);
  }
  const stackName = String(app.node.tryGetContext('stackName') ?? 'Orgbridge');
  // CloudFormation's own rule for stack names.
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new Error(`stackName must start with a letter and hold only letters, digits and hyphens (at most 128), not "${stackName}"`);
  }
  const stack = new OrgbridgeStack(app, stackName, {
    stageName: (app.node.tryGetContext('stageName') as string | undefined) ?? 'v1',
    removalPolicy: removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    alarmEmail: app.node.tryGetContext('alarmEmail') as string | undefined,
    waf: { enabled: waf === 'true', requestsPerFiveMinutes: wafRateLimit === undefined ? undefined : Number(wafRateLimit) },
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  applyNagSuppressions(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
