/** cdk-nag findings we accept, each with the reason (AwsSolutions pack). */
import { NagSuppressions } from 'cdk-nag';
import type { OrgbridgeStack } from './stack.ts';

export function applyNagSuppressions(stack: OrgbridgeStack): void {
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-IAM4',
      reason: 'AWSLambdaBasicExecutionRole (log writing only) and the API Gateway CloudWatch role policy are the AWS-managed minimum for those roles.',
      appliesTo: [
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      ],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords and CloudWatch Logs delivery have no resource-level permissions; table grants include its GSI ARNs (index/*); the state machine may invoke every version of its own worker functions (:*).',
    },
    {
      id: 'AwsSolutions-APIG2',
      reason: 'Requests are validated by zod in each handler so every error is answered in the dialect’s own format (API Gateway validators answer in theirs).',
    },
    {
      id: 'AwsSolutions-APIG4',
      reason: 'Each dialect authenticates in its handler (API keys, Netux tokens with scopes, Apidae credentials inside the query, Responsys session tokens) and must answer in its own error format; no API Gateway authorizer can express that.',
    },
    {
      id: 'AwsSolutions-COG4',
      reason: 'Clients are existing vendor API clients with vendor credentials, not Cognito users.',
    },
    {
      id: 'AwsSolutions-APIG3',
      reason: 'WAF is an account-level choice of the deploying team (web ACL association); per-credential rate limits and stage throttling are built in.',
    },
  ]);
}
