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

/** `typeKey` is `aws_lambda_function` or `data.aws_iam_policy_document`. Returns a new object. */
export function normalizeBlocks(typeKey: string, body: Record<string, unknown>): Record<string, unknown> {
  const tree = blockTree(typeKey);
  return tree ? applyTree(body, tree) : body;
}

function applyTree(body: Record<string, unknown>, tree: Map<string, BlockNode>): Record<string, unknown> {
  const out: Record<string, unknown> = dict();
  for (const key in body) {
    const value = body[key];
    const node = tree.get(key);
    if (!node) {
      out[key] = value;
      continue;
    }
    if (node.single) {
      const one: unknown = Array.isArray(value) && value.length === 1 ? value[0] : value;
      out[key] = isPlainObject(one) && node.children.size ? applyTree(one, node.children) : one;
    } else {
      const list: unknown = isPlainObject(value) ? [value] : value;
      out[key] = Array.isArray(list) && node.children.size
        ? list.map((item: unknown) => (isPlainObject(item) ? applyTree(item, node.children) : item))
        : list;
    }
  }
  return out;
}
