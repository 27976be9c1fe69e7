/**
 * Lines of the object keys near the top of a JSON document (`/resource/aws_iam_role/fn_role`),
 * found with one linear scan of the text: no AST, so a 50 MB stack costs one pass. Call it only
 * on text that JSON.parse accepted.
 */
export function jsonKeyLines(text: string, maxDepth = 3): Map<string, number> {
  const lines = new Map<string, number>();
  // Per open container: true for an object. `keys[d]` is the current key of object frame d.
  const isObject: boolean[] = [];
  const keys: string[] = [];
  // Frames are only "addressable" while every enclosing container is an object.
  let objectPrefix = 0;
  let expectKey = false;
  let line = 1;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
    } else if (c === 34) {
      const end = stringEnd(text, i);
      if (end < 0) break;
      const depth = isObject.length;
      if (expectKey && depth <= maxDepth && objectPrefix === depth) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        keys[depth - 1] = key;
        keys.length = depth;
        lines.set(`/${keys.map(escapePointer).join('/')}`, line);
      }
      i = end + 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      const obj = c === 123;
      if (objectPrefix === isObject.length && obj) objectPrefix++;
      isObject.push(obj);
      expectKey = obj;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      isObject.pop();
      if (objectPrefix > isObject.length) objectPrefix = isObject.length;
      expectKey = false;
      i++;
    } else if (c === 44 /* , */) {
      expectKey = isObject[isObject.length - 1] === true;
      i++;
    } else if (c === 58 /* : */) {
      expectKey = false;
      i++;
    } else {
      i++;
    }
  }
  return lines;
}

/** Index of the quote that closes the string opening at `start`. Valid JSON strings hold no raw newlines. */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return -1;
    let backslashes = 0;
    let b = j - 1;
    while (text.charCodeAt(b) === 92) {
      backslashes++;
      b--;
    }
    if (backslashes % 2 === 0) return j;
    j++;
  }
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function jsonPointer(...segments: string[]): string {
  return `/${segments.map(escapePointer).join('/')}`;
}
