/**
 * Writes the JSON Schemas of policy, config and suppression files to `schema/` from their one
 * TypeScript source (`src/policy/schema.ts`). `test/policy.test.ts` fails when they are stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchemas } from '../src/policy/schema.js';
import { CHECKS } from '../src/rules/index.js';

const dir = join(import.meta.dirname, '..', 'schema');
for (const [name, text] of Object.entries(renderSchemas(CHECKS))) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote schema/${name}`);
}
