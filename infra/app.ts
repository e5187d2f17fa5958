/**
 * CDK app. Context (cdk.json or -c): `stageName` (default "v1"), `removalPolicy` ("retain" | "destroy",
 * default "retain"), `alarmEmail` (optional). These are synth-time parameters, not CloudFormation
 * ones: a DeletionPolicy cannot take a CloudFormation parameter, and the stage name is part of every URL.
 * cdk-nag's AwsSolutions pack runs on every synth; each suppression says why.
 */
import { App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

import { applyNagSuppressions } from './nag-suppressions.ts';
import { OrgbridgeStack } from './stack.ts';

export function buildApp(app = new App()) {
  const removal = (app.node.tryGetContext('removalPolicy') as string | undefined) ?? 'retain';
  if (removal !== 'retain' && removal !== 'destroy') throw new Error(`removalPolicy must be "retain" or "destroy", not "${removal}"`);
  const stack = new OrgbridgeStack(app, 'Orgbridge', {
    stageName: (app.node.tryGetContext('stageName') as string | undefined) ?? 'v1',
    removalPolicy: removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    alarmEmail: app.node.tryGetContext('alarmEmail') as string | undefined,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  applyNagSuppressions(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
