/**
 * The bulk-task state machine definition file, shared by CDK (DefinitionBody.fromFile with
 * substitutions) and the local runner (same file, same substitutions with local ARNs).
 * Task states invoke functions by plain ARN, so both runtimes hand the next state the worker's raw
 * return value (no `{Payload, StatusCode}` wrapper).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const definitionPath = resolve(import.meta.dirname, 'bulk-task.asl.json');

export const readDefinition = (): string => readFileSync(definitionPath, 'utf8');

/** Replaces `${Key}` placeholders the way Step Functions definition substitutions do. */
export function substitute(definition: string, values: Record<string, string>): string {
  return definition.replace(/\$\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
