/**
 * Lambda bundles only (esbuild alias of `@aws-sdk/middleware-endpoint-discovery`, infra/bundling.ts): the
 * DynamoDB client resolves endpoint-discovery settings and builds an LRU cache for them (`mnemonist`,
 * ~8 KB with the middleware) in its constructor, but no DynamoDB command of this SDK version installs the
 * endpoint-discovery middleware that would use them. Should a later version import more from this
 * package (its plugin), the bundle fails to build instead of running without it.
 */
export const NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS = {
  environmentVariableSelector: () => undefined,
  configFileSelector: () => undefined,
  default: undefined,
};

export const resolveEndpointDiscoveryConfig = <T extends object>(input: T): T => input;
