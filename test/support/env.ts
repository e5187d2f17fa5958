/**
 * Runs before each test file: points the code at the shared DynamoDB Local and gives the file a
 * table of its own. The test process is a composition root: the domain reaches that table through shared/db.
 */
import '#shared/wiring.ts';

import { randomBytes } from 'node:crypto';

import { inject } from 'vitest';

import { configure } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';

configure({ dynamodbEndpoint: inject('dynamodbEndpoint'), tableName: `test-${randomBytes(6).toString('hex')}` });
if (!process.env.LOG_LEVEL) logger.setLogLevel('SILENT');
