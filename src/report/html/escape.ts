/**
 * Every string that reaches the page from the inputs (names, tags, descriptions, policy text)
 * goes through `esc`: text content and attribute values alike. We always quote attributes with
 * `"`, and escape all five markup characters, so no value can end a tag, an attribute or a
 * raw-text element (`</script>`, `</style>`).
 */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** A fragment id derived from arbitrary text: only [a-z0-9-], plus a counter to stay unique. */
export class Ids {
  private readonly used = new Map<string, number>();
  make(prefix: string, text: string): string {
    const base = `${prefix}-${text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60)}`;
    const n = this.used.get(base) ?? 0;
    this.used.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  }
}

/** Shortens a label for the diagram, keeping its end (the resource name) visible. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  return `…${text.slice(text.length - max + 1)}`;
}
