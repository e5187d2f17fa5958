/**
 * Lambda bundles only: each function installs exactly the store methods its code calls, not all of them.
 *
 * The domain reaches storage through `ports()`, installed at run time by `shared/wiring.ts` with every DynamoDB store
 * (`dynamoDbStores`, shared/db/stores.ts). An object that names every store method keeps all of shared/db and the SDK
 * commands behind it in every bundle, which esbuild cannot drop: ~20 KB of a ~230 KB function that calls two
 * or three of the 50 methods (BENCHMARKS.md). So, for a Lambda bundle, `#shared/wiring.ts` is aliased to a module
 * generated here, in two steps:
 *  1. the function is bundled once without renaming (whitespace minified only), as it would be (same options, the full wiring), and every
 *     `ports()` in that code (the domain functions esbuild kept, so those the function can reach) is read:
 *     `ports().tasks.get` needs that method, `ports().directory` alone or `const { directory } = ports()` the whole
 *     group. Any other use of `ports` fails the build, since the methods it needs could not be known.
 *  2. a copy of shared/db/stores.ts in which `dynamoDbStores` keeps only those groups and methods is installed;
 *     esbuild then drops every shared/db function it no longer names. A method left out is an error naming it, should
 *     it ever be called (it cannot be, by step 1).
 * The local runtime, the CLI and the tests run the TypeScript source with the whole of shared/wiring.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

import { type BuildOptions, buildSync } from 'esbuild';
import type TypeScript from 'typescript';

/** Loaded when a wiring is generated only (bundling), not by every CDK synth or test that imports this. */
const typescript = (): typeof TypeScript => createRequire(import.meta.url)('typescript');

const repoRoot = resolve(import.meta.dirname, '..');
const storesFile = resolve(repoRoot, 'shared/db/stores.ts');
const portsFile = resolve(repoRoot, 'shared/domain/ports.ts');
/** Generated files (gitignored): one folder per distinct content. */
const outFolder = resolve(repoRoot, '.build/lambda-wiring');

/** Store groups and methods a function calls: a method set, or `'all'` when a whole group is taken. */
export type StoreCalls = Map<string, Set<string> | 'all'>;

const need = (calls: StoreCalls, group: string, method?: string) => {
  const held = calls.get(group);
  if (held === 'all') return;
  if (method === undefined) calls.set(group, 'all');
  else calls.set(group, new Set([...(held ?? []), method]));
};

/** Step 1 on a bundle's unminified code: what it calls on `ports()`. Throws on a use it cannot read. */
export function storeCalls(code: string): StoreCalls {
  const calls: StoreCalls = new Map();
  const understood = new Set<number>();
  // ports().group.method — the usual form (whitespace and line breaks allowed between the parts).
  for (const m of code.matchAll(/\bports\d*\(\)\s*\.\s*(\w+)\s*\.\s*(\w+)/g)) {
    need(calls, m[1]!, m[2]!);
    understood.add(m.index);
  }
  // ports().group, not followed by a method: the whole group (e.g. `const directory = () => ports().directory`).
  for (const m of code.matchAll(/\bports\d*\(\)\s*\.\s*(\w+)\b(?!\s*\.)/g)) {
    need(calls, m[1]!);
    understood.add(m.index);
  }
  // const { group, other: alias } = ports(): the whole groups.
  for (const m of code.matchAll(/\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(ports\d*\(\))/g)) {
    for (const part of m[1]!.split(',')) {
      const key = part.split(':')[0]!.trim();
      if (!/^\w+$/.test(key)) throw new Error(`Cannot read which store a destructuring of ports() takes: ${m[0]}`);
      need(calls, key);
    }
    understood.add(m.index + m[0].length - m[2]!.length);
  }
  for (const m of code.matchAll(/\bports\d*\b/g)) {
    if (understood.has(m.index)) continue;
    const before = code.slice(Math.max(0, m.index - 9), m.index);
    if (/function\s+$/.test(before)) continue; // its definition
    throw new Error(
      `A use of ports() whose store methods cannot be read: …${code.slice(Math.max(0, m.index - 60), m.index + 60)}… ` +
        '(infra/lambda-wiring.ts reads ports().group.method, ports().group and const { group } = ports())',
    );
  }
  return calls;
}

/** Step 2: shared/db/stores.ts with `dynamoDbStores` reduced to `calls`, its relative imports made to work from `folder`. */
export function reducedStoresSource(calls: StoreCalls, folder: string, source = readFileSync(storesFile, 'utf8')): string {
  const ts = typescript();
  const file = ts.createSourceFile(storesFile, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let found = false;
  const kept = (group: string, method?: string) => {
    const held = calls.get(group);
    return held !== undefined && (method === undefined || held === 'all' || held.has(method));
  };
  const nameOf = (property: TypeScript.ObjectLiteralElementLike) => {
    if (ts.isShorthandPropertyAssignment(property)) return property.name.text;
    if (!ts.isPropertyAssignment(property) || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)))
      throw new Error(`shared/db/stores.ts: dynamoDbStores must be an object of objects of named properties (${property.getText()})`);
    return property.name.text;
  };
  const transform: TypeScript.TransformerFactory<TypeScript.SourceFile> = (context) => (root) => {
    const visit = (node: TypeScript.Node): TypeScript.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.')) {
        const target = relative(folder, resolve(dirname(storesFile), node.moduleSpecifier.text));
        return context.factory.updateImportDeclaration(
          node,
          node.modifiers,
          node.importClause,
          context.factory.createStringLiteral(target.startsWith('.') ? target : `./${target}`),
          node.attributes,
        );
      }
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'dynamoDbStores') {
        found = true;
        if (!node.initializer || !ts.isObjectLiteralExpression(node.initializer))
          throw new Error('shared/db/stores.ts: dynamoDbStores must be an object literal');
        const groups = node.initializer.properties
          .filter((group) => kept(nameOf(group)))
          .map((group) => {
            const name = nameOf(group);
            const value = (group as TypeScript.PropertyAssignment).initializer;
            if (!ts.isObjectLiteralExpression(value))
              throw new Error(`shared/db/stores.ts: dynamoDbStores.${name} must be an object literal`);
            const methods = value.properties.filter((method) => kept(name, nameOf(method)));
            return context.factory.updatePropertyAssignment(
              group as TypeScript.PropertyAssignment,
              (group as TypeScript.PropertyAssignment).name,
              context.factory.updateObjectLiteralExpression(value, methods),
            );
          });
        return context.factory.updateVariableDeclaration(
          node,
          node.name,
          node.exclamationToken,
          node.type,
          context.factory.updateObjectLiteralExpression(node.initializer, groups),
        );
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(root, visit) as TypeScript.SourceFile;
  };
  const [reduced] = ts.transform(file, [transform]).transformed;
  if (!found) throw new Error('shared/db/stores.ts no longer declares dynamoDbStores: infra/lambda-wiring.ts needs it');
  return ts.createPrinter().printFile(reduced!);
}

const wiringSource = (calls: StoreCalls, folder: string) => {
  const ports = relative(folder, portsFile);
  const installed = [...calls]
    .map(([group, methods]) => `${group}: ${methods === 'all' ? '*' : [...methods].sort().join(', ')}`)
    .join('; ');
  return `// Generated by infra/lambda-wiring.ts for one Lambda bundle: the store methods its code calls (${installed}).
import { installStores } from ${JSON.stringify(ports)};

import { dynamoDbStores } from './stores.ts';

const absent = (name: string): never => {
  throw new Error(\`Store \${name} is not in this Lambda bundle: infra/lambda-wiring.ts found no call to it.\`);
};
const only = <T extends object>(value: T, path: string): T =>
  new Proxy(value, {
    get: (target, key) =>
      typeof key === 'symbol' || key in target ? (target as Record<string | symbol, unknown>)[key] : absent(\`\${path}\${String(key)}\`),
  });

installStores(
  only(
    Object.fromEntries(Object.entries(dynamoDbStores).map(([group, methods]) => [group, only(methods, \`\${group}.\`)])) as typeof dynamoDbStores,
    '',
  ),
);
`;
};

/** Writes a file only if it is not there yet (or always), atomically: bundles of several processes may need it at once. */
function writeOnce(path: string, content: string, replace = false) {
  if (!replace && existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Step 1, remembered: the calls found in a function's code, kept with the hash of every file its bundle read, and
 * reused while none of them changed (a bundle of every function takes a minute on these machines).
 */
function callsOf(options: BuildOptions): StoreCalls {
  // Keyed by the options and this file (the reading of the code is its own).
  const probe = resolve(
    outFolder,
    'probes',
    `${sha256(JSON.stringify(options) + readFileSync(import.meta.filename, 'utf8')).slice(0, 24)}.json`,
  );
  if (existsSync(probe)) {
    const cached = JSON.parse(readFileSync(probe, 'utf8')) as { inputs: Record<string, string>; calls: [string, string[] | 'all'][] };
    if (Object.entries(cached.inputs).every(([file, hash]) => existsSync(file) && sha256(readFileSync(file)) === hash))
      return new Map(cached.calls.map(([group, methods]) => [group, methods === 'all' ? 'all' : new Set(methods)]));
  }
  // Whitespace minified only: no comments (esbuild's file-name comments would read as uses), names as written.
  const { outputFiles, metafile } = buildSync({
    ...options,
    minify: false,
    minifyWhitespace: true,
    sourcemap: false,
    write: false,
    metafile: true,
    outfile: 'probe.mjs',
  });
  const calls = storeCalls(outputFiles![0]!.text);
  const root = options.absWorkingDir ?? process.cwd();
  const inputs = Object.fromEntries(
    Object.keys(metafile!.inputs).map((file) => {
      const path = resolve(root, file);
      return [path, sha256(readFileSync(path))];
    }),
  );
  writeOnce(
    probe,
    JSON.stringify({ inputs, calls: [...calls].map(([group, methods]) => [group, methods === 'all' ? methods : [...methods]]) }),
    true,
  );
  return calls;
}

/**
 * The module to alias `#shared/wiring.ts` to in the Lambda bundle of `options` (an esbuild configuration of
 * one function, infra/bundling.ts): generated under .build/lambda-wiring/, its path fixed by its content.
 */
export function lambdaWiring(options: BuildOptions): string {
  const calls = callsOf(options);
  // Relative paths depend only on the folder's depth, which is the same for every folder here.
  const sources = { stores: reducedStoresSource(calls, resolve(outFolder, 'x')), wiring: wiringSource(calls, resolve(outFolder, 'x')) };
  const folder = resolve(outFolder, sha256(sources.stores + sources.wiring).slice(0, 16));
  writeOnce(resolve(folder, 'stores.ts'), sources.stores);
  writeOnce(resolve(folder, 'wiring.ts'), sources.wiring);
  return resolve(folder, 'wiring.ts');
}
