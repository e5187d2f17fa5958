/**
 * Lambda bundles only (esbuild alias of `@aws/lambda-invoke-store`, infra/bundling.ts): the store of the current
 * invocation (request id, X-Ray trace id, W3C trace context) that the SDK's recursion-detection middleware reads to
 * forward the trace header. Lambda's Node.js runtime creates that store and publishes it as
 * `globalThis.awslambda.InvokeStore` before it loads the handler; the package (2.2 KB) returns that global when
 * it exists, and otherwise a store of its own that nothing fills in, whose every answer is `undefined`. This gives
 * the global, or no store (the middleware then reads `_X_AMZN_TRACE_ID`, as it does with an empty store). The
 * middleware imports only `InvokeStore.getInstanceAsync`; should another import appear, the bundle fails to build.
 */
interface Store {
  getXRayTraceId(): string | undefined;
  getTraceparent?(): string | undefined;
  getTracestate?(): string | undefined;
  getBaggage?(): string | undefined;
}

export const InvokeStore = {
  getInstanceAsync: async (): Promise<Store | undefined> => (globalThis as { awslambda?: { InvokeStore?: Store } }).awslambda?.InvokeStore,
};
