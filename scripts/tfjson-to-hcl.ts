/**
 * Renders Terraform JSON (cdktf synth output) as HCL, so a fixture stack exists in both forms
 * with the same meaning. Nested blocks are told from maps by the AWS provider schema
 * (src/inputs/aws-blocks.generated.ts). Usage: tsx scripts/tfjson-to-hcl.ts IN.tf.json > main.tf
 *   --module-source OLD=NEW   rewrite a module source (cdktf asset path -> ./modules/x)
 */
import { readFileSync } from 'node:fs';
import { AWS_BLOCKS } from '../src/inputs/aws-blocks.generated.js';
import { splitTemplate } from '../src/inputs/expressions.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Tree = Map<string, Tree>;

function tree(typeKey: string): Tree {
  const root: Tree = new Map();
  for (const entry of (AWS_BLOCKS[typeKey] ?? '').split(' ').filter(Boolean)) {
    let level = root;
    for (const segment of entry.replace(/!$/, '').split('.')) {
      const next = level.get(segment) ?? new Map<string, Tree>();
      level.set(segment, next);
      level = next;
    }
  }
  return root;
}

/** A JSON value as text: strings as they are, anything else as JSON (the same as String() for numbers, booleans and null). */
function asText(value: Json | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/%\{/g, '%%{').replace(/\$\{/g, '$${');
}

const quote = (text: string) => `"${escape(text)}"`;

/** A template string: literal parts escaped, interpolations kept as HCL expressions. */
function template(text: string): string {
  const parts = splitTemplate(text);
  if (!parts) return quote(text);
  return `"${parts.map((p) => ('literal' in p ? escape(p.literal) : `\${${p.expr}}`)).join('')}"`;
}

/** A whole-string `${expr}` becomes the bare expression; anything else stays a template string. */
function expression(value: Json, indent: string): string {
  if (typeof value === 'string') {
    const parts = splitTemplate(value);
    const only = parts?.length === 1 ? parts[0] : undefined;
    if (only && 'expr' in only) return only.expr;
    return template(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    const items = value.map((v) => expression(v, inner));
    const flat = `[${items.join(', ')}]`;
    return flat.length < 100 && !flat.includes('\n') ? flat : `[\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${quote(k)} = ${expression(v, inner)}`).join('\n')}\n${indent}}`;
}

function body(values: { [key: string]: Json }, blocks: Tree, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (key === '//' || value === null) continue;
    const block = blocks.get(key);
    if (block || key === 'lifecycle') {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
        lines.push(`${indent}${key} {`, ...body(item, block ?? new Map<string, Tree>(), `${indent}  `), `${indent}}`);
      }
    } else if (key === 'depends_on' && Array.isArray(value)) {
      lines.push(`${indent}depends_on = [${value.map((v) => asText(v).replace(/^\$\{|\}$/g, '')).join(', ')}]`);
    } else if (key === 'provider' && typeof value === 'string') {
      lines.push(`${indent}provider = ${value.replace(/^\$\{|\}$/g, '')}`);
    } else {
      lines.push(`${indent}${key} = ${expression(value, indent)}`);
    }
  }
  return lines;
}

const args = process.argv.slice(2);
const input = args.find((a) => !a.startsWith('--') && !a.includes('='));
if (!input) throw new Error('usage: tsx scripts/tfjson-to-hcl.ts IN.tf.json [--module-source OLD=NEW]');
const rewrites = new Map<string, string>();
args.forEach((a, i) => {
  if (a === '--module-source') {
    const [from, to] = (args[i + 1] ?? '').split('=');
    if (from && to) rewrites.set(from, to);
  }
});
const doc = JSON.parse(readFileSync(input, 'utf8')) as { [key: string]: Json };
const out: string[] = [];
const terraform = doc.terraform as { required_providers?: { [k: string]: { source: string; version: string } } } | undefined;
if (terraform?.required_providers) {
  out.push('terraform {', '  required_providers {');
  for (const [name, p] of Object.entries(terraform.required_providers)) {
    out.push(`    ${name} = {`, `      source  = ${quote(p.source)}`, `      version = ${quote(p.version)}`, '    }');
  }
  out.push('  }', '}', '');
}
for (const [name, variable] of Object.entries((doc.variable ?? {}) as { [k: string]: { [k: string]: Json } })) {
  // A variable's type is a type expression (`string`), not a string.
  const { type, ...rest } = variable;
  out.push(`variable "${name}" {`, ...(typeof type === 'string' ? [`  type = ${type}`] : []), ...body(rest, new Map(), '  '), '}', '');
}
if (doc.locals && typeof doc.locals === 'object' && !Array.isArray(doc.locals)) {
  out.push('locals {', ...body(doc.locals, new Map(), '  '), '}', '');
}
for (const [name, configs] of Object.entries((doc.provider ?? {}) as { [k: string]: Json[] })) {
  for (const config of configs) out.push(`provider "${name}" {`, ...body(config as { [k: string]: Json }, new Map(), '  '), '}', '');
}
for (const [name, call] of Object.entries((doc.module ?? {}) as { [k: string]: { [k: string]: Json } })) {
  const source = asText(call.source);
  out.push(`module "${name}" {`, ...body({ ...call, source: rewrites.get(source) ?? source }, new Map(), '  '), '}', '');
}
for (const [section, prefix] of [['data', 'data.'], ['resource', '']] as const) {
  for (const [type, byName] of Object.entries((doc[section] ?? {}) as { [k: string]: { [k: string]: { [k: string]: Json } } })) {
    for (const [name, values] of Object.entries(byName)) {
      out.push(`${section} "${type}" "${name}" {`, ...body(values, tree(prefix + type), '  '), '}', '');
    }
  }
}
for (const [name, output] of Object.entries((doc.output ?? {}) as { [k: string]: { [k: string]: Json } })) {
  out.push(`output "${name}" {`, ...body(output, new Map(), '  '), '}', '');
}
process.stdout.write(out.join('\n'));
