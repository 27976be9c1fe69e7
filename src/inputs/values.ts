import { AWS_BLOCKS } from './aws-blocks.generated.js';
import { dict, own } from '../model/dict.js';

/**
 * Nested blocks in Terraform JSON may be written as one object or a list of objects, and
 * hcl2json turns every block (even single-nested ones) into a list. The provider schema says
 * which keys are blocks, so every input form ends up with the same shape: list/set blocks are
 * arrays of objects, single-nested blocks (`timeouts`) are objects. Map attributes (`tags`,
 * `environment.variables`) are left alone. Types missing from the schema are left as written.
 */
interface BlockNode {
  readonly single: boolean;
  readonly children: Map<string, BlockNode>;
}

const treeCache = new Map<string, Map<string, BlockNode> | null>();

function blockTree(typeKey: string): Map<string, BlockNode> | null {
  const cached = treeCache.get(typeKey);
  if (cached !== undefined) return cached;
  const spec = own(AWS_BLOCKS, typeKey);
  let root: Map<string, BlockNode> | null = null;
  if (spec) {
    root = new Map();
    for (const entry of spec.split(' ')) {
      const single = entry.endsWith('!');
      const path = (single ? entry.slice(0, -1) : entry).split('.');
      let level = root;
      path.forEach((segment, i) => {
        let node = level.get(segment);
        if (!node) {
          node = { single: i === path.length - 1 ? single : false, children: new Map() };
          level.set(segment, node);
        } else if (i === path.length - 1 && single) {
          node = { single, children: node.children };
          level.set(segment, node);
        }
        level = node.children;
      });
    }
  }
  treeCache.set(typeKey, root);
  return root;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `typeKey` is `aws_lambda_function` or `data.aws_iam_policy_document`. Copy-on-write: `body`
 * itself when it already has the schema's shape (synth JSON nearly always does), else a new dict;
 * `body` is never changed.
 */
export function normalizeBlocks(typeKey: string, body: Record<string, unknown>): Record<string, unknown> {
  const tree = blockTree(typeKey);
  return tree ? applyTree(body, tree) : body;
}

function applyTree(body: Record<string, unknown>, tree: Map<string, BlockNode>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in body) {
    const value = body[key];
    const node = tree.get(key);
    const shaped = node ? blockShape(value, node) : value;
    if (shaped !== value && !out) {
      out = dict();
      for (const earlier in body) {
        if (earlier === key) break;
        out[earlier] = body[earlier];
      }
    }
    if (out) out[key] = shaped;
  }
  return out ?? body;
}

/** A block's value in the schema's shape: one object for a single-nested block, a list of objects otherwise. */
function blockShape(value: unknown, node: BlockNode): unknown {
  if (node.single) {
    const one: unknown = Array.isArray(value) && value.length === 1 ? value[0] : value;
    return isPlainObject(one) && node.children.size ? applyTree(one, node.children) : one;
  }
  if (isPlainObject(value)) return [node.children.size ? applyTree(value, node.children) : value];
  if (!Array.isArray(value) || !node.children.size) return value;
  let list: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const shaped = isPlainObject(item) ? applyTree(item, node.children) : item;
    if (shaped !== item && !list) list = value.slice(0, i);
    if (list) list.push(shaped);
  }
  return list ?? value;
}
