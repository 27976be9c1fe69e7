/**
 * Strings from inputs and user policies (resource names, tags, messages, suppression reasons)
 * must come out as text in every format: no link, HTML, table break, XML break or terminal
 * escape. Markdown is rendered with a GFM parser (micromark + GFM, autolinks and tables on).
 */
import { DOMParser } from '@xmldom/xmldom';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { render } from '../src/report/index.js';
import { mdCode, mdText } from '../src/report/markdown/index.js';
import { xmlEscape } from '../src/report/junit.js';
import { loadResults } from './report-helpers.js';

const hostile = loadResults('hostile-results');
const gfmToHtml = (md: string): string => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

describe('markdown escaping', () => {
  const md = render('markdown', hostile, { color: false });
  const html = gfmToHtml(md);

  it('renders no input-derived link, image, HTML element or emphasis', () => {
    // Our own links go to the rule docs only; nothing else becomes a link.
    const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^docs\/rules\/[^/]+\.md$/);
    expect(html).not.toMatch(/<(script|img|iframe|svg|b|em|del|math|input)\b/i);
    expect(html).not.toContain('<strong>bold</strong>');
    expect(html).not.toContain('<code>code</code>');
    expect(html).toContain('**bold** `code`');
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(html).not.toContain('href="https://evil');
    expect(html).not.toContain('href="javascript');
    // The text is still there for a reader.
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(html).toContain('[sagemaker:CreateTrainingJob](https://evil.example/click)');
  });

  it('keeps the findings table intact: every row has four cells', () => {
    const table = html.slice(html.indexOf('<table>', html.indexOf('New findings')));
    const firstTable = table.slice(0, table.indexOf('</table>'));
    const rows = firstTable.split('<tr>').slice(2);
    expect(rows).toHaveLength(1);
    for (const row of rows) expect(row.match(/<td[ >]/g)).toHaveLength(4);
  });

  it('escapes helpers exactly', () => {
    expect(gfmToHtml(mdText('[x](https://a.example) <b>y</b> *z* www.a.example'))).toBe(
      '<p>[x](https://a.example) &lt;b&gt;y&lt;/b&gt; *z* www.a.example</p>',
    );
    expect(gfmToHtml(mdText('- 1. not a list'))).toBe('<p>- 1. not a list</p>');
    expect(gfmToHtml(mdText('1. not a list either'))).toBe('<p>1. not a list either</p>');
    expect(gfmToHtml(`| a |\n|---|\n| ${mdCode('x | `y`')} |`)).toContain('<td><code>x | `y`</code></td>');
  });
});

describe('JUnit XML escaping', () => {
  const xml = render('junit', hostile, { color: false });

  it('is well-formed and round-trips hostile strings as text', () => {
    const errors: string[] = [];
    const doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(`${level}: ${message}`);
      },
    }).parseFromString(
      xml,
      'text/xml',
    );
    expect(errors).toEqual([]);
    const cases = Array.from(doc.getElementsByTagName('testcase'));
    expect(cases.map((c) => c.getAttribute('name'))).toContain('aws_iam_role.x<script>window.__pwned=1</script> [sagemaker:Create<script>]');
    expect(cases.map((c) => c.getAttribute('name'))).toContain(`aws_s3_bucket.b['"]`);
    expect(doc.getElementsByTagName('script')).toHaveLength(0);
    const failure = doc.getElementsByTagName('failure')[0]!;
    expect(failure.textContent).toContain(']]>');
    // Characters XML 1.0 forbids (ESC, SOH) are replaced, never written raw.
    // eslint-disable-next-line no-control-regex -- the control characters are what must not appear
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('xmlEscape handles markup, quotes, lone surrogates and control characters', () => {
    expect(xmlEscape(`<a href="x">&'\u0001\ud800`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\ufffd\ufffd');
    expect(xmlEscape('😀')).toBe('😀');
  });
});

describe('text escaping', () => {
  it('never writes a terminal escape from the inputs', () => {
    const plain = render('text', hostile, { color: false });
    expect(plain).not.toContain('\u001b');
    expect(plain).toContain('\\u001b[2J');
    const colored = render('text', hostile, { color: true });
    // Colour codes are ours (SGR `ESC[..m`); the input's clear-screen `ESC[2J` is not written.
    expect(colored).not.toContain('\u001b[2J');
  });
});

describe('JSON and SARIF keep hostile strings as data', () => {
  it('round-trips them exactly', () => {
    const json = JSON.parse(render('json', hostile, { color: false }));
    expect(json.results[0].location.address).toBe('aws_iam_role.x<script>window.__pwned=1</script>');
    const sarif = JSON.parse(render('sarif', hostile, { color: false }));
    expect(sarif.runs[0].results[0].locations[0].logicalLocations[0].fullyQualifiedName).toBe('aws_iam_role.x<script>window.__pwned=1</script>');
    // Rule help markdown is escaped: a viewer that renders it shows no link or HTML.
    const help = gfmToHtml(sarif.runs[0].tool.driver.rules[0].help.markdown);
    expect(help).not.toMatch(/<(a|script|img)\b/);
  });
});
