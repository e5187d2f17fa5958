/** What every admin command shares: its shape, option readers and the output it writes to. */
import { readFile } from 'node:fs/promises';
import type { ParseArgsConfig } from 'node:util';

import type { RateLimit } from '#shared/domain/credential.ts';
import { parseOrganizationKey } from '#shared/domain/organization.ts';
import { AppError } from '#shared/errors.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export interface Output {
  /** A result for people (a table or a line) or, with --json, for programs. */
  result(value: unknown, columns?: string[]): void;
  /** Progress of a long operation (a bar on a terminal). */
  progress(done: number, total: number, label: string): void;
}

export interface Command {
  group: string;
  action: string;
  summary: string;
  options: Options;
  /** Required option names (usage error when missing). */
  required?: string[];
  /** The option a lone positional argument gives (`import seed FILE` = `--file FILE`). */
  positional?: string;
  run(values: Values, out: Output): Promise<void>;
}

/** A usage mistake: exit code 2 and the command's help. */
export class UsageError extends Error {}

export const str = (values: Values, name: string) => values[name] as string;
export const opt = (values: Values, name: string) => values[name] as string | undefined;
export const list = (value: string | undefined) =>
  value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
export const tenant = { tenant: { type: 'string', short: 't' } } as const satisfies Options;

/** An organization key option (id or ~label). */
export const organizationKey = (values: Values, name: string) => parseOrganizationKey(str(values, name));

export function rateLimitOf(value: string | undefined): RateLimit | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (!match) throw new UsageError('--rate-limit is LIMIT/WINDOW_SECONDS, e.g. 600/60');
  return { limit: Number(match[1]), windowSeconds: Number(match[2]) };
}

export async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new AppError('validation', `Cannot read ${path}: ${(error as Error).message}`);
  }
}

export const organizationRow = (o: { id: string; intId: number; label: string; name: string; parentId: string | null }) => ({
  id: o.id,
  intId: o.intId,
  label: o.label,
  name: o.name,
  parent: o.parentId ?? '',
});
