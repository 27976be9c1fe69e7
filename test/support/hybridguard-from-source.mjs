// bin/hybridguard.js for the fast suite: the same entry over src/ with its types stripped (the
// folder given first, written by test/global-setup-fast.ts) instead of dist/, so `npm test` needs
// no build. Plain JS, so that Node runs it without a loader.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [from, ...args] = process.argv.slice(2);
const { main } = await import(pathToFileURL(join(from, 'cli', 'main.js')).href);
process.exitCode = await main(args);
