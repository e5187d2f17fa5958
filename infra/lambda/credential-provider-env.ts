/**
 * Lambda bundles only (esbuild alias of `@aws-sdk/credential-provider-node`, infra/bundling.ts): the
 * SDK clients' default credential provider, reduced to environment variables. Lambda always hands a
 * function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN,
 * so the rest of the chain (SSO, INI files, process, web identity, IMDS/ECS, and the STS/SSO clients
 * they nest) is never used there, yet it was ~130 KB of every bundle. The local runtime, the CLI and
 * the tests run the TypeScript source with the full chain. Should these functions ever run where
 * credentials come otherwise (a container credentials endpoint), this replacement has to go.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same name and argument as the chain it replaces; throws CredentialsProviderError when the variables are absent. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
