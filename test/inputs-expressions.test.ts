/**
 * What a configuration value refers to, read through the HCL parser: these references become the
 * edges of the resource graph (a policy attached to a role, a subnet of a function), so a missed
 * or invented one changes findings.
 */
import { describe, expect, it } from 'vitest';
import { findTraversals, splitTemplate } from '../src/inputs/expressions.js';

const bases = (expr: string) => findTraversals(expr).map((t) => t.base);

describe('splitTemplate', () => {
  it('splits literal text and interpolations; $${ is a literal ${', () => {
    expect(splitTemplate('arn:${aws_s3_bucket.b.arn}/* and $${not.this}')).toStrictEqual([
      { literal: 'arn:' },
      { expr: 'aws_s3_bucket.b.arn' },
      { literal: '/* and ${not.this}' },
    ]);
  });

  it('ends an interpolation at its own closing brace, past braces in objects and strings', () => {
    expect(splitTemplate('${jsonencode({ a = "}" })}!')).toStrictEqual([{ expr: 'jsonencode({ a = "}" })' }, { literal: '!' }]);
  });

  it('keeps a body that is not a valid expression for the evaluator to report', () => {
    expect(splitTemplate("${a ? 'x' : 'y'}")).toStrictEqual([{ expr: "a ? 'x' : 'y'" }]);
  });

  it('gives up on an interpolation that is never closed', () => {
    expect(splitTemplate('${aws_s3_bucket.b.arn')).toBeUndefined();
  });
});

describe('findTraversals', () => {
  it('names the instance, the splat and the attribute read', () => {
    expect(findTraversals('aws_subnet.a[0].id')).toStrictEqual([
      { base: 'aws_subnet.a', splat: false, text: 'aws_subnet.a[0].id', index: '0', attribute: 'id' },
    ]);
    expect(findTraversals('aws_subnet.x.*.id')).toStrictEqual([{ base: 'aws_subnet.x', splat: true, text: 'aws_subnet.x.*.id', attribute: 'id' }]);
    expect(findTraversals('data.aws_iam_policy_document.p.json')).toStrictEqual([
      { base: 'data.aws_iam_policy_document.p', splat: false, text: 'data.aws_iam_policy_document.p.json', attribute: 'json' },
    ]);
  });

  it('keeps a computed index as written; what the index itself refers to is not a reference of the value', () => {
    expect(findTraversals('aws_iam_role.r[aws_x.y.name].arn')).toStrictEqual([
      { base: 'aws_iam_role.r', splat: true, computedIndex: 'aws_x.y.name', text: 'aws_iam_role.r[aws_x.y.name].arn', attribute: 'arn' },
    ]);
  });

  it('looks into calls, operators, conditionals, for expressions, nested strings and heredocs, in the order written', () => {
    const expr = [
      'merge(aws_a.one.tags, { k = "${aws_b.two.id}" })',
      'var.on ? aws_c.three.arn : aws_d.four.arn',
      '[for s in aws_e.five : s.id if s.id != aws_f.six.id]',
      'provider::aws::arn_parse(aws_g.seven.arn)',
      '<<EOT\n${aws_h.eight.id}\nEOT\n',
    ].join(' == ');
    expect(bases(expr)).toStrictEqual(['aws_a.one', 'aws_b.two', 'aws_c.three', 'aws_d.four', 'aws_e.five', 'aws_f.six', 'aws_g.seven', 'aws_h.eight']);
  });

  it('takes variables, locals, module outputs and loop symbols for what they are, and text for text', () => {
    expect(bases('"${var.x}-${local.y}-${module.m.out}-${each.key}-${count.index} aws_not.real %{if aws_c.d.e}x%{endif}"')).toStrictEqual([]);
  });

  it('finds nothing in text that is not an expression', () => {
    expect(findTraversals("aws_a.b.c ? 'x' : 'y'")).toStrictEqual([]);
  });
});
