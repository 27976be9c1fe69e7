#!/usr/bin/env node
// Entry point. `--version` answers before anything heavy loads (it is on every CI log's first line).
import { readFileSync } from 'node:fs';
import { applyV8Tuning } from './v8-tuning.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  applyV8Tuning();
  const { main, prefetchCodeOf } = await (await import('./load-cli.js')).loadCli();
  // Handler code (--code) starts being parsed on the second core before the command does anything else.
  await prefetchCodeOf(args, process.cwd());
  const code = await main(args);
  // End as soon as the report is out: left to drain, the event loop would also wait for V8's
  // background GC work on a large heap (tens of milliseconds after a big check has answered).
  // A stream whose reader went away never drains: it closes.
  const flushed = (stream) =>
    new Promise((done) => {
      if (stream.writableLength === 0 || stream.destroyed) return done();
      stream.once('drain', done);
      stream.once('close', done);
    });
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  // A write that failed (a full disk) is reported on the next tick: let it end the command (exit 2).
  await new Promise((done) => setImmediate(done));
  process.exit(code);
}
