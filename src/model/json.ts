/** Plain JSON, for structured evidence and reporter output. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Where each node of a parsed file is, by JSON pointer: [line, column, line of its key, column of its key]. */
export type PositionTable = { readonly [pointer: string]: readonly [number, number, number, number] };

/** A YAML or JSON file parsed earlier (at build time): its data and where each node was. */
export interface ParsedText {
  readonly data: JsonValue;
  readonly positions: PositionTable;
}
