/** `npm run openapi`: writes docs/openapi/<dialect>.json from the route table and the zod schemas. */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { allDocuments } from './document.ts';

export const openApiDir = resolve(import.meta.dirname, '../../docs/openapi');

const documents = await allDocuments();
await mkdir(openApiDir, { recursive: true });
for (const [dialect, document] of Object.entries(documents)) {
  const file = resolve(openApiDir, `${dialect}.json`);
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${file} (${Object.keys(document.paths as object).length} paths)`);
}
