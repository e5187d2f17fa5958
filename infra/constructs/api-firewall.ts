/**
 * An AWS WAF web ACL on the API stage: per client IP, a rate-based rule over every request and a
 * stricter one over the anonymous Responsys login (each guess there costs a scrypt; the handler also
 * throttles guessing per user name and per address, shared/domain/login-throttle.ts). A blocked client
 * gets 429 with `Retry-After` and `nosniff`, in a neutral JSON body: WAF answers before any dialect.
 */
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  stage: Stage;
  /** Requests per client IP in any 5 minutes before WAF blocks it (default 3,000: 10 per second). */
  requestsPerFiveMinutes?: number;
  /** Login requests per client IP in any 5 minutes (default 100). */
  loginsPerFiveMinutes?: number;
  /** The login resource path (the WAF rule matches it behind any stage or base path). */
  loginPath: string;
}

const WINDOW_SECONDS = 300;
const BODY_KEY = 'TooManyRequests';

export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const block = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: BODY_KEY,
          responseHeaders: [
            { name: 'Retry-After', value: String(WINDOW_SECONDS) },
            { name: 'X-Content-Type-Options', value: 'nosniff' },
          ],
        },
      },
    };
    const perIp = (name: string, priority: number, limit: number, scopeDownStatement?: CfnWebACL.StatementProperty) => ({
      name,
      priority,
      action: block,
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit, evaluationWindowSec: WINDOW_SECONDS, scopeDownStatement } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      customResponseBodies: { [BODY_KEY]: { contentType: 'APPLICATION_JSON', content: '{"message":"Too Many Requests"}' } },
      visibilityConfig: visibility('orgbridge-api'),
      rules: [
        perIp('LoginPerIp', 0, props.loginsPerFiveMinutes ?? 100, {
          byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: 'CONTAINS',
            searchString: props.loginPath,
            // A percent-encoded letter must not slip past the match.
            textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
          },
        }),
        perIp('RequestsPerIp', 1, props.requestsPerFiveMinutes ?? 3000),
      ],
    });

    const association = new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    // The stage ARN is a formatted string, not a reference: the stage must exist first.
    association.node.addDependency(props.stage);
  }
}
