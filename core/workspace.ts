/**
 * The contract between the checker and its consumers (engine, language server,
 * CLI). `checkWorkspace` (core/checker/check.ts) produces a `WorkspaceCheck`.
 */
import type { ParseResult } from "./syntax/parse.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import type { Range } from "./text/positions.js";
import type * as A from "./syntax/ast.js";

/** A file handed to the core: an absolute POSIX path and its text. The core does no IO. */
export interface SourceFile {
  uri: string;
  text: string;
  /**
   * A parse of `text` the caller already has (the language server's
   * incremental reparse, core/syntax/incremental.ts); used instead of parsing
   * when its text and uri are this file's.
   */
  parsed?: ParseResult;
}

export interface WorkspaceInput {
  /** Absolute POSIX path of the workspace root; imports may not leave it. */
  root: string;
  files: SourceFile[];
}

export type SymbolKind =
  | "field"
  | "event"
  | "payloadField"
  | "set"
  | "territory"
  | "score"
  | "scoreRule"
  | "grade"
  | "gradeLetter"
  | "stage"
  | "owner"
  | "queue"
  | "team"
  | "route"
  | "routeRule"
  | "consent"
  | "action"
  | "param"
  | "workflow"
  | "journey"
  | "enumValue";

/** A declared name. `id` is stable within one check (uri#offset of the name). */
export interface CrmSymbol {
  id: string;
  name: string;
  kind: SymbolKind;
  uri: string;
  /** The name's range. */
  range: Range;
  /** The whole declaration's range. */
  declRange: Range;
  /** For members: the owning declaration's name (score of a rule, event of a payload field…). */
  container?: string;
  /** For members: the owning declaration's symbol id (names of containers may repeat, e.g. a lead field and a payload field). */
  containerId?: string;
  /** Text of `///` doc comments directly above the declaration. */
  doc?: string;
  /** A short type or signature for hover, e.g. `number`, `enum(a, b)`, `score (max 100)`. */
  detail?: string;
  /** True for built-ins (consent_given, …), which have no source. */
  builtin?: boolean;
  node?: A.Node;
}

/** A use of a name, resolved to its symbol. */
export interface Reference {
  uri: string;
  range: Range;
  symbolId: string;
}

export interface WorkspaceCheck {
  root: string;
  /** Parse results by uri. */
  files: Map<string, ParseResult>;
  /** Every diagnostic of every file (syntax, binding, types, analyses), sorted. */
  diagnostics: Diagnostic[];
  symbols: ReadonlyMap<string, CrmSymbol>;
  references: Reference[];
  /** Uris visible from a file: itself plus everything reachable through imports. */
  visibleFiles(uri: string): string[];
  /** Files that (transitively) import `uri`, plus itself: what a change to it can affect. */
  dependents(uri: string): string[];
}
