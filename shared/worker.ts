/**
 * Wraps a bulk-task step as a Lambda handler: one log line per invocation, and DynamoDB throttling
 * that outlasted the SDK's own retries, like a write that lost races for its whole time, surfaces as
 * `ThrottlingError`, which the state machine retries with backoff.
 */
import '#shared/wiring.ts';

import middy from '@middy/core';

import { isContended } from './domain/lost-races.ts';
import { isThrottling } from './errors.ts';
import { logger } from './logger.ts';

export class ThrottlingError extends Error {
  override name = 'ThrottlingError';
}

export function taskWorker<I extends { taskId: string }, O>(step: (input: I) => Promise<O>) {
  return middy<I, O>().handler(async (input) => {
    const started = Date.now();
    try {
      const output = await step(input);
      logger.info('task step', { step: step.name, taskId: input.taskId, durationMs: Date.now() - started });
      return output;
    } catch (error) {
      const name = (error as Error).name;
      // `reason`, not `message`: that key is the log line's own (Powertools silently dropped the field).
      logger.warn('task step failed', { step: step.name, taskId: input.taskId, error: name, reason: (error as Error).message });
      if (isThrottling(error) || isContended(error)) throw new ThrottlingError((error as Error).message);
      throw error;
    }
  });
}
