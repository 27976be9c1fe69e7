/**
 * The generator's own tiny model of a Terraform configuration: enough to write the SAME stack
 * as cdktf synth JSON, HCL and `terraform show -json` plan JSON. Values keep references as
 * objects (not strings) so each writer can render them in its own syntax.
 */

/** `${address.attribute}`: a reference to another resource's attribute. */
export class Ref {
  constructor(
    readonly address: string,
    readonly attribute: string,
  ) {}
}

/** A string with interpolations: `integrations/${aws_apigatewayv2_integration.x.id}`. */
export class Tpl {
  constructor(readonly parts: readonly (string | Ref)[]) {}
}

/**
 * Nested block(s). `single` blocks (max one, like `vpc_config`) are objects in cdktf JSON and
 * one-element lists in plan JSON; others (`statement`) are lists everywhere.
 */
export class Blocks {
  constructor(
    readonly items: readonly GObject[],
    readonly single: boolean,
  ) {}
}

/**
 * Attributes-as-blocks (security group `ingress`/`egress`, route table `route`): cdktf writes
 * them as lists with every attribute present (unset ones `null`); HCL writes them as blocks.
 */
export class AttrBlocks {
  constructor(
    readonly items: readonly GObject[],
    readonly allKeys: readonly string[],
  ) {}
}

/** A JSON document attribute (IAM policy, container definitions): a JSON string in synth/plan, `jsonencode(...)` in HCL. */
export class JsonDoc {
  constructor(readonly value: GJson) {}
}

export type GJson = string | number | boolean | null | readonly GJson[] | { readonly [key: string]: GJson };
export type GValue = string | number | boolean | null | Ref | Tpl | Blocks | AttrBlocks | JsonDoc | readonly GValue[] | GObject;
export interface GObject {
  readonly [key: string]: GValue;
}

export interface GResource {
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** cdktf construct path below the stack (`functions/fn-0001/role`). */
  readonly constructPath: string;
  readonly attrs: GObject;
  /** HCL file this block goes to (`fn-0001.tf`), so HCL is split like a real repo. */
  readonly file: string;
}

export function addressOf(resource: Pick<GResource, 'mode' | 'type' | 'name'>): string {
  return resource.mode === 'data' ? `data.${resource.type}.${resource.name}` : `${resource.type}.${resource.name}`;
}

export function isPlainObject(value: unknown): value is GObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Ref) &&
    !(value instanceof Tpl) &&
    !(value instanceof Blocks) &&
    !(value instanceof AttrBlocks) &&
    !(value instanceof JsonDoc)
  );
}

/** Every reference inside a value, with the attribute path (numeric list indices) it sits at. */
export function collectRefs(value: GValue, path: string, out: { path: string; ref: Ref }[]): void {
  if (value instanceof Ref) out.push({ path, ref: value });
  else if (value instanceof Tpl) {
    for (const part of value.parts) if (part instanceof Ref) out.push({ path, ref: part });
  } else if (value instanceof Blocks || value instanceof AttrBlocks) {
    value.items.forEach((item, index) => {
      const base = value instanceof Blocks && value.single ? `${path}.0` : `${path}.${index}`;
      for (const [key, inner] of Object.entries(item)) collectRefs(inner, `${base}.${key}`, out);
    });
  } else if (Array.isArray(value)) {
    value.forEach((inner: GValue, index) => collectRefs(inner, `${path}.${index}`, out));
  } else if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value)) collectRefs(inner, `${path}.${key}`, out);
  }
}
