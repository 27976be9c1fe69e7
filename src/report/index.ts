/**
 * The reporter registry: every output format is a pure function from `RunResults` to a string
 * (no file system, no process, no colour detection: the CLI decides and passes `color`).
 */
import { own } from '../model/dict.js';
import type { RunResults } from '../model/findings.js';
import type { RenderOptions } from './common.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown/index.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text/index.js';
import { visibleText } from './common.js';

export type Format = 'text' | 'json' | 'sarif' | 'junit' | 'markdown';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'junit', 'markdown'];
export { summarize, type RenderOptions, type Summary } from './common.js';

type Reporter = (results: RunResults, options: RenderOptions) => string;

const REPORTERS: Readonly<Record<Format, Reporter>> = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  junit: renderJunit,
  markdown: renderMarkdown,
};

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

export function render(format: Format, results: RunResults, options: RenderOptions): string {
  const reporter = own(REPORTERS, format);
  // The CLI validates --format before calling; a wrong value here is a programming error.
  if (!reporter) throw new Error(`unknown report format ${format} (expected one of ${FORMATS.join(', ')})`);
  // The text reporter escapes each value itself (its colours are escape sequences); every other
  // format is escaped whole, which leaves its syntax alone (see visibleText).
  const out = reporter(results, options);
  return format === 'text' ? out : visibleText(out, true);
}
