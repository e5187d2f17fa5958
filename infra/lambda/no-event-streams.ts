/**
 * Lambda bundles only (esbuild alias of `@smithy/core/event-streams`, infra/bundling.ts): the SDK loads
 * its event-stream codec (~14 KB) lazily, for operations with an event-stream member. DynamoDB and Step
 * Functions have none, but a bundle without code splitting carries the lazy import anyway.
 */
const unsupported = (): never => {
  throw new Error('Event streams are not bundled into Orgbridge functions (infra/lambda/no-event-streams.ts).');
};

export const eventStreamSerdeProvider = unsupported;

export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}
