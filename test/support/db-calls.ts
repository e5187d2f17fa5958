/**
 * Watching what the shared DynamoDB client sends and receives, for tests that count reads: `observe` sees each
 * call's input and output, from now until `stopObserving` (name it in an afterEach, so no watcher outlives its test).
 */
import { db } from '#shared/db/client.ts';

export type CallInput = { ExpressionAttributeValues?: Record<string, unknown> } & Record<string, unknown>;
export type CallOutput = { Items?: Record<string, unknown>[]; Item?: unknown; Responses?: Record<string, unknown[]> };

export function observeCalls(name: string, observe: (input: CallInput, output: CallOutput) => void): void {
  db().middlewareStack.remove(name);
  db().middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      observe(args.input as CallInput, (result.output ?? {}) as CallOutput);
      return result;
    },
    { step: 'initialize', name },
  );
}

export const stopObserving = (name: string) => void db().middlewareStack.remove(name);
