import { transpileSources } from './support/transpile-src.js';

/** `npm test`: no tsc build; spawned commands run src/ with its types stripped (test/support/cli.ts). */
export default function setup(): void {
  transpileSources();
}
