/**
 * The resource-set decision (arn-language.ts) against brute force: over a small alphabet, every
 * string up to a length bound is enumerated and tested with an independent matcher (a RegExp
 * built per segment from the IAM rules), and `findMember` must agree on emptiness, and its
 * witness must be a member.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from './support/fuzz.js';
import { accepts, findMember, formatLanguage, patternLanguage, type ArnLanguage } from '../src/analysis/iam/arn-language.js';

const ALPHABET = ['a', 'b', ':'];
const MAX = 6;

/** Independent reference: IAM's segment rule written as a RegExp (first five segments without `:`, the rest free). */
function referenceRegExp(pattern: string): RegExp {
  const glob = (g: string, colon: boolean) =>
    // eslint-disable-next-line @typescript-eslint/no-misused-spread -- IAM matches one code point at a time
    [...g].map((c) => (c === '*' ? (colon ? '.*' : '[^:]*') : c === '?' ? (colon ? '.' : '[^:]') : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  if (!pattern.startsWith('arn:')) return new RegExp(`^${glob(pattern, true)}$`, 's');
  const parts = pattern.split(':');
  const head = parts.slice(0, 5);
  while (head.length < 5) head.push('*');
  const rest = parts.length > 5 ? parts.slice(5).join(':') : '*';
  return new RegExp(`^${head.map((h) => glob(h, false)).join(':')}:${glob(rest, true)}$`, 's');
}
const referenceMatch = (pattern: string, text: string): boolean => referenceRegExp(pattern).test(text);

function* strings(max: number, alphabet: readonly string[]): Generator<string> {
  let layer = [''];
  yield '';
  for (let n = 1; n <= max; n++) {
    const next: string[] = [];
    for (const s of layer) for (const c of alphabet) next.push(s + c);
    yield* next;
    layer = next;
  }
}

const globArb = fc.array(fc.constantFrom('a', 'b', ':', '/', '*', '?'), { minLength: 0, maxLength: 4 }).map((cs) => cs.join(''));
/** Half the patterns are ARN-shaped (`arn:` plus segments), so the segment rule is exercised. */
const patternArb = fc.oneof(globArb, fc.array(globArb, { minLength: 1, maxLength: 6 }).map((segs) => `arn:${segs.join(':')}`));

describe('resource sets as regular languages', () => {
  it('accepts() agrees with an independent per-segment RegExp', () => {
    fc.assert(
      fc.property(
        patternArb,
        fc.constantFrom(...[...strings(5, ['a', ':', '/'])].map((s) => s), ...['arn:a:b:::a', 'arn::::a:b:c', 'arn:a']),
        (pattern, text) => {
          expect(accepts(patternLanguage(pattern), text)).toBe(referenceMatch(pattern, text));
        },
      ),
      fuzz(500, 3000, 20261203),
    );
  });

  it('findMember agrees with brute-force enumeration on emptiness, and its witness is a member', () => {
    const smallGlob = fc.array(fc.constantFrom('a', 'b', ':', '*', '?'), { minLength: 0, maxLength: 4 }).map((cs) => cs.join(''));
    const smallPattern = fc.oneof(
      smallGlob,
      fc.array(fc.constantFrom('a', '*', '?', ''), { minLength: 1, maxLength: 3 }).map((segs) => `arn:${segs.join(':')}`),
    );
    fc.assert(
      fc.property(fc.array(smallPattern, { minLength: 1, maxLength: 3 }), fc.array(smallPattern, { minLength: 0, maxLength: 3 }), (include, exclude) => {
        const inc = include.map(patternLanguage);
        const exc = exclude.map(patternLanguage);
        const incRe = include.map(referenceRegExp);
        const excRe = exclude.map(referenceRegExp);
        const member = (s: string) => incRe.every((r) => r.test(s)) && !excRe.some((r) => r.test(s));
        // Brute force sees strings up to MAX characters; findMember returns a shortest member, so beyond MAX brute force must see none.
        let brute: string | undefined;
        for (const s of strings(MAX, [...ALPHABET, 'c', 'r', 'n'])) {
          if (member(s)) {
            brute = s;
            break;
          }
        }
        const found = findMember(inc, exc);
        expect(found.kind).not.toBe('too-large');
        if (found.kind === 'member') {
          expect(member(found.witness)).toBe(true);
          if (found.witness.length <= MAX) expect(brute?.length).toBe(found.witness.length);
          else expect(brute).toBeUndefined();
        } else expect(brute).toBeUndefined();
      }),
      fuzz(60, 300, 20261203),
    );
  });

  it('ARN-shaped patterns and formats: a wildcard never spans a segment', () => {
    const model = formatLanguage('arn:${Partition}:sagemaker:${Region}:${Account}:model-package/${ModelPackageName}');
    const s3 = formatLanguage('arn:${Partition}:s3:::${BucketName}/${ObjectName}');
    const member = (langs: ArnLanguage[], exc: ArnLanguage[] = []) => findMember(langs, exc).kind === 'member';
    expect(member([model, patternLanguage('*')])).toBe(true);
    expect(member([model, patternLanguage('arn:aws:s3:::datasets/*')])).toBe(false);
    // `arn:aws:*` reads as `arn:aws:*:*:*:*`: the star does not cross into the next segment, but the padding covers it.
    expect(member([model, patternLanguage('arn:aws:*')])).toBe(true);
    expect(member([model, patternLanguage('arn:aws:sagemaker:*:*:endpoint/*')])).toBe(false);
    expect(member([model, patternLanguage('arn:aws:sagemaker:us-east-1:*:model-package/*')], [patternLanguage('arn:aws:sagemaker:us-*:*:*')])).toBe(false);
    expect(member([s3, patternLanguage('arn:aws:s3:::*')], [patternLanguage('arn:aws:s3:::audit-logs/*')])).toBe(true);
    expect(member([s3, patternLanguage('arn:aws:s3:::audit-logs/*')], [patternLanguage('arn:aws:s3:::audit-*')])).toBe(false);
    const w = findMember([model, patternLanguage('arn:*:sagemaker:*:*:model-package/ranker-*')], []);
    expect(w).toMatchObject({ kind: 'member' });
  });

  it('reads a character outside the Basic Multilingual Plane as one character, in matching and in witnesses', () => {
    expect(accepts(patternLanguage('arn:aws:s3:::b/?'), 'arn:aws:s3:::b/\u{1F600}')).toBe(true);
    expect(accepts(patternLanguage('arn:aws:s3:::b/??'), 'arn:aws:s3:::b/\u{1F600}')).toBe(false);
    // Two patterns and no exclusion: the product search, whose witness must keep the pair whole.
    const found = findMember([patternLanguage('arn:aws:s3:::\u{1F600}*'), patternLanguage('arn:aws:s3:::*x')], []);
    expect(found).toEqual({ kind: 'member', witness: 'arn:aws:s3:::\u{1F600}x' });
  });
});
