/**
 * Runs before each test file's imports: points the code at the shared DynamoDB Local and gives the
 * file a table of its own, exactly as Lambda configuration would (environment variables).
 */
import { randomBytes } from 'node:crypto';

import { inject } from 'vitest';

process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = `test-${randomBytes(6).toString('hex')}`;
process.env.LOG_LEVEL ??= 'SILENT';
// The test process is a composition root too: the domain reaches this file's table through shared/db.
await import('#shared/wiring.ts');
