/**
 * Composition root of the Lambda handlers and task workers (and of everything that runs them in
 * one process: local runtime, CLI, tests): installs the DynamoDB implementation of the domain's ports.
 * Imported for its effect by the handler and worker factories; nothing else imports shared/db.
 */
import { dynamoDbStores } from '#shared/db/stores.ts';
import { installStores } from '#shared/domain/ports.ts';

installStores(dynamoDbStores);
