/**
 * The audit data model: what `hybridguard audit` shows on one page. engine/audit.ts builds it
 * from the facts and the run's results; report/html renders it. Plain JSON-like data, so the
 * renderer stays a pure function of it, and tests can hand-make it.
 */
import type { Evidence } from './findings.js';
import type { Location, ServiceType } from './types.js';

export type AuditGroupKey = ServiceType | 'untyped';

export interface AuditData {
  readonly tool: { readonly name: string; readonly version: string };
  /** Input files, relative paths, sorted. */
  readonly inputs: readonly string[];
  /** Services grouped by service type, in the architecture's order; untyped ones last. */
  readonly inventory: readonly InventoryGroup[];
  /** Matrix columns, in the order the capabilities are declared. */
  readonly capabilities: readonly AuditCapability[];
  /** Matrix rows: one per IAM principal; `cells[i]` belongs to `capabilities[i]`. */
  readonly matrix: readonly MatrixRow[];
  /** Every resource reachable (or maybe reachable) from the internet, sorted by address. */
  readonly exposure: readonly ExposureEntry[];
  /** Handler code against its role; absent when no code was analysed (`--code` not given). */
  readonly handlers?: readonly HandlerAudit[];
  readonly baseline?: { readonly file: string; readonly new: number; readonly unchanged: number; readonly fixed: number };
  /** Things the reader should know about coverage (no code root, unknown values). */
  readonly notes: readonly string[];
}

export interface InventoryGroup {
  readonly serviceType: AuditGroupKey;
  readonly services: readonly InventoryService[];
}

export interface InventoryService {
  readonly address: string;
  readonly resourceType: string;
  /** Which rule of the precedence order decided the type, and the detail. */
  readonly source?: 'tag' | 'config' | 'inferred';
  readonly reason?: string;
  readonly location: Location;
  /** IAM roles the service runs as. */
  readonly roles: readonly string[];
  /** `direct` when some path from the internet bypasses the gateway. */
  readonly exposure?: 'gateway' | 'direct' | 'undecided' | 'public-by-design';
  /** Unsuppressed findings on the service or its roles. */
  readonly findings: number;
  readonly suppressed: number;
}

export interface AuditCapability {
  readonly name: string;
  readonly description: string;
}

export type CellState = 'granted' | 'conditional' | 'unknown' | 'none';

export interface MatrixCell {
  readonly state: CellState;
  /** Actions of the capability the principal may perform, sorted. */
  readonly actions: readonly string[];
  /** Conditions the grant waits for (`conditional`, `unknown`). */
  readonly conditions: readonly string[];
  /** The statements that grant it (and the Denies/boundaries that narrow it). */
  readonly evidence: readonly Evidence[];
  /** Findings of a rule about this principal and capability. */
  readonly violation?: { readonly ruleIds: readonly string[]; readonly suppressed: boolean };
}

export interface MatrixRow {
  readonly principal: string;
  readonly kind: 'role' | 'user';
  readonly serviceType?: ServiceType;
  readonly serviceTypeReason?: string;
  /** Services using the role (Lambda functions, task definitions, ...). */
  readonly usedBy: readonly string[];
  readonly location: Location;
  readonly cells: readonly MatrixCell[];
}

export interface ExposureEntry {
  readonly address: string;
  readonly resourceType: string;
  readonly serviceType?: ServiceType;
  readonly location: Location;
  /** Every decided path goes through an API Gateway integration. */
  readonly viaGateway: boolean;
  /** An API Gateway API itself: public by design. */
  readonly isGateway: boolean;
  /** First hop on the internet side of the main path (internet gateway, API, function URL). */
  readonly entry: string;
  readonly path: readonly string[];
  readonly ports: readonly string[];
  readonly worldPorts: readonly string[];
  readonly mechanisms: readonly string[];
  readonly undecided?: string;
  readonly evidence: readonly Evidence[];
  /** Other paths in (there may be one through the gateway and one around it). */
  readonly otherPaths: readonly {
    readonly viaGateway: boolean;
    readonly path: readonly string[];
    readonly ports: readonly string[];
    readonly undecided?: string;
  }[];
}

export interface HandlerAudit {
  readonly resource: string;
  readonly resourceType: string;
  readonly serviceType?: ServiceType;
  readonly role?: string;
  /** Entry file, relative to the code root. */
  readonly entry: string;
  readonly calls: readonly {
    readonly sdkCall: string;
    readonly actions: readonly string[];
    readonly file: string;
    readonly line: number;
    readonly unresolved?: string;
  }[];
  /** Actions the code calls that the role does not allow. */
  readonly missing: readonly { readonly action: string; readonly sites: readonly string[]; readonly denied: boolean }[];
  /** Actions the code calls that the role allows only under conditions or pending unknown values. */
  readonly conditional: readonly { readonly action: string; readonly conditions: readonly string[] }[];
  /** Actions the role allows that no call needs, by service prefix. */
  readonly unused: readonly { readonly prefix: string; readonly count: number; readonly actions: readonly string[] }[];
  readonly unusedCount: number;
}
