/** Plain JSON, for structured evidence and reporter output. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
