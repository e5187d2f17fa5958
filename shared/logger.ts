/**
 * Structured JSON logs (Powertools). Callers log identifiers and outcomes only: never headers,
 * query strings, bodies or anything that may carry a secret.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: 'orgbridge',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | 'DEBUG' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ?? 'INFO',
});
