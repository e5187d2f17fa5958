/**
 * Structured JSON logs: one JSON object per line on stdout, which Lambda's native JSON log format
 * (`loggingFormat: JSON` on every function) takes as is, reading its `level` and `timestamp`. Callers log
 * identifiers and outcomes only: never headers, query strings, bodies or anything that may carry a secret.
 *
 * This replaced Powertools Logger, which wrote the same keys (and the X-Ray trace id) but, measured alone
 * in a fresh process with the bench's method, cost 22.9 KB of bundle (20.4 KB net of what the SDK shares)
 * and 4.2 ms of init CPU beside 1.1 KB and 0.8 ms, and 17 µs of CPU per line beside 7 µs; it also silently
 * dropped fields named like its reserved keys (the failure `message` of every bulk-task step). Here
 * nothing is dropped: the types refuse a reserved name, and one passed anyway is kept as `field_<key>`.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

const levels = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 } as const;
export type LogLevel = keyof typeof levels;

const reserved = ['level', 'message', 'timestamp', 'service', 'function_request_id', 'xray_trace_id'] as const;
export type LogFields = Record<string, unknown> & { [K in (typeof reserved)[number]]?: never };

const service = 'orgbridge';

const sourceMaps = new Map<string, SourceMap | undefined>();

function sourceMapOf(file: string): SourceMap | undefined {
  if (!sourceMaps.has(file)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      // No map beside this file (the TypeScript source, run by tsx, which maps its own stacks): frames stay as they are.
    }
    sourceMaps.set(file, map);
  }
  return sourceMaps.get(file);
}

/**
 * A stack's frames in a bundle (`file:///var/task/index.mjs:1:23456`) mapped to their source files and lines
 * through the `.map` file beside the bundle. Node would do it with `--enable-source-maps`, but it then parses
 * the map when the bundle loads, at every cold start (~15 ms of a ~60 ms init, BENCHMARKS.md), whereas errors
 * are rare: here the map is read at the first logged error only, once per process.
 */
export function sourceMappedStack(stack: string): string {
  if (process.sourceMapsEnabled) return stack;
  return stack.replace(/((?:file:\/\/)?\/[^\s():]+\.[cm]?js):(\d+):(\d+)/g, (frame, file: string, line: string, column: string) => {
    const entry = sourceMapOf(file.startsWith('file:') ? fileURLToPath(file) : file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return frame;
    // Sources are relative to the bundle's build folder: shown from the repository's folders or node_modules.
    const source = entry.originalSource.replace(/^(?:\.\.\/)+/, '').replace(/^.*?\/(?=(?:node_modules|functions|shared|infra)\/)/, '');
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/** Errors keep their name, message and stack (JSON.stringify alone gives `{}`); bigints become strings. */
const replacer = (_key: string, value: unknown) =>
  value instanceof Error
    ? { name: value.name, message: value.message, stack: value.stack && sourceMappedStack(value.stack) }
    : typeof value === 'bigint'
      ? value.toString()
      : value;

type InvokeStore = { getRequestId?(): string | undefined; getXRayTraceId?(): string | undefined };
const invokeStore = () => (globalThis as { awslambda?: { InvokeStore?: InvokeStore } }).awslambda?.InvokeStore;

/** The Lambda request id of the current invocation (what Lambda's own JSON lines carry as `requestId`). */
const functionRequestId = (): string | undefined =>
  invokeStore()?.getRequestId?.() ?? (globalThis as Record<symbol, string | undefined>)[Symbol.for('aws.lambda.runtime.requestId')];

/** The X-Ray trace id of the current invocation (`Root=…` of the runtime's trace header), as Powertools logged it. */
function traceId(): string | undefined {
  const header = invokeStore()?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID;
  return header ? (/(?:^|;)Root=([^;]+)/.exec(header)?.[1] ?? header) : undefined;
}

export function formatLogLine(level: Exclude<LogLevel, 'SILENT'>, message: string, fields: LogFields = {}): string {
  const base: Record<string, unknown> = { level, message, timestamp: new Date().toISOString(), service };
  const [requestId, trace] = [functionRequestId(), traceId()];
  if (requestId) base.function_request_id = requestId;
  if (trace) base.xray_trace_id = trace;
  const record = { ...base };
  for (const key of Object.keys(fields)) record[(reserved as readonly string[]).includes(key) ? `field_${key}` : key] = fields[key];
  try {
    return `${JSON.stringify(record, replacer)}\n`;
  } catch {
    // A circular structure: still one line, with the fields as text rather than lost.
    return `${JSON.stringify({ ...base, fields: inspect(fields, { depth: 6, breakLength: Infinity }) })}\n`;
  }
}

let threshold: number = levels[(process.env.LOG_LEVEL?.toUpperCase() as LogLevel | undefined) ?? 'INFO'] ?? levels.INFO;

const at =
  (level: Exclude<LogLevel, 'SILENT'>) =>
  (message: string, fields?: LogFields): void => {
    if (levels[level] >= threshold) process.stdout.write(formatLogLine(level, message, fields));
  };

export const logger = {
  debug: at('DEBUG'),
  info: at('INFO'),
  warn: at('WARN'),
  error: at('ERROR'),
  setLogLevel(level: LogLevel): void {
    threshold = levels[level];
  },
};
