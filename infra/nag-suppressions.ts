/** cdk-nag findings we accept, each with the reason (AwsSolutions pack). */
import { Validations } from 'aws-cdk-lib';

import type { OrgbridgeStack } from './stack.ts';

export function applyNagSuppressions(stack: OrgbridgeStack): void {
  Validations.of(stack).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets a function write its own logs: the AWS-managed minimum for Lambda.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'The account-level API Gateway logging role needs exactly this AWS-managed policy.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the actions that have no resource-level permissions use "*": X-Ray PutTraceSegments/PutTelemetryRecords (tracing) and the CloudWatch Logs delivery actions Step Functions logging requires. Table and Lambda grants name their exact ARNs.',
    },
    {
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated by zod in each handler so every error is answered in the dialect’s own format (API Gateway validators answer in theirs).',
    },
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'Each dialect authenticates in its handler (API keys, Netux tokens with scopes, Apidae credentials inside the query, Responsys session tokens) and must answer in its own error format; no API Gateway authorizer can express that.',
    },
    {
      id: 'AwsSolutions-COG4',
      reason: 'Clients are existing vendor API clients with vendor credentials, not Cognito users.',
    },
  );
  if (!stack.firewall) {
    Validations.of(stack).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'The web ACL was turned off for this deployment (-c waf=false); per-credential rate limits, the login throttle and stage and method throttling remain.',
    });
  }
}
