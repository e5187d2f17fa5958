/**
 * The store wiring of the Lambda bundles (infra/lambda-wiring.ts): which store methods a bundle's code calls on
 * `ports()`, read from its code, and shared/db/stores.ts reduced to them. (test/infra/lambda-bundle.test.ts runs
 * built bundles wired this way against DynamoDB Local.)
 */
import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { reducedStoresSource, storeCalls } from '#infra/lambda-wiring.ts';

const asObject = (calls: ReturnType<typeof storeCalls>) =>
  Object.fromEntries([...calls].map(([group, methods]) => [group, methods === 'all' ? 'all' : [...methods].sort()]));

describe('the store methods a bundle calls', () => {
  it('reads ports().group.method, across line breaks, and each group alone or destructured as the whole group', () => {
    const code = [
      'function ports(){if(!installed)throw new Error("x");return installed}',
      'async function a(t,id){return ports().organizations.get(t,id)}',
      'async function b(t){await ports()\n      .tasks.remove(t);await ports2().tasks.get(t)}',
      'const directory=()=>ports().directory;',
      'async function c(){const { loginAttempts, credentials: creds } = ports();return loginAttempts.count()}',
      'async function d(t){return ports().organizations.save(t)}',
    ].join('\n');
    expect(asObject(storeCalls(code))).toEqual({
      organizations: ['get', 'save'],
      tasks: ['get', 'remove'],
      directory: 'all',
      loginAttempts: 'all',
      credentials: 'all',
    });
  });

  it('refuses a use of ports() whose methods it cannot know, rather than leave one out', () => {
    expect(() => storeCalls('const p=ports();p.tasks.get()')).toThrow(/A use of ports\(\) whose store methods cannot be read/);
    expect(() => storeCalls('run(ports)')).toThrow(/cannot be read/);
    expect(() => storeCalls('const {...all}=ports()')).toThrow(/Cannot read which store/);
  });

  it('reads nothing from a bundle that calls no store', () => {
    expect(storeCalls('export const handler=async()=>({statusCode:200})').size).toBe(0);
  });
});

describe('shared/db/stores.ts reduced to those methods', () => {
  it('keeps the groups and methods called, with their implementations as written, and drops the rest', () => {
    const calls = new Map<string, Set<string> | 'all'>([
      ['organizations', new Set(['get'])],
      ['requestCounter', 'all'],
    ]);
    const source = reducedStoresSource(calls, '/repo/.build/lambda-wiring/x');
    const stores = source.slice(source.indexOf('dynamoDbStores'));
    expect(stores).toMatch(/organizations: \{\s*get: organizations\.getOrganization\s*\}/);
    expect(stores).toContain('requestCounter: { count: (counterKey, windowSeconds) => countRequest(counterKey, windowSeconds) }');
    for (const gone of ['directory:', 'tasks:', 'credentials:', 'loginAttempts:', 'save:', 'getMany:']) expect(stores).not.toContain(gone);
  });

  it('makes its relative imports work from the folder it is written to', () => {
    const source = reducedStoresSource(
      new Map(),
      resolve(import.meta.dirname, '../../.build/lambda-wiring/x'),
      "import * as tasks from './tasks.ts';\nexport const dynamoDbStores = { tasks: { get: tasks.getTask } };\n",
    );
    expect(source).toMatch(/from "..\/..\/..\/shared\/db\/tasks.ts"/);
    expect(source).toMatch(/dynamoDbStores = \{\s*\}/);
  });

  it('fails when stores.ts no longer has the shape it reads', () => {
    expect(() => reducedStoresSource(new Map(), '/x', 'export const stores = {};')).toThrow(/no longer declares dynamoDbStores/);
    expect(() => reducedStoresSource(new Map([['tasks', 'all']]), '/x', 'export const dynamoDbStores = { tasks: makeTasks() };')).toThrow(
      /must be an object literal/,
    );
  });
});
