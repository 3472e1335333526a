/**
 * `crmrules.json`, the workspace's configuration file (docs/cli.md, "The configuration file"):
 * parsing and validation against schemas/crmrules.schema.json, the one definition of its shape
 * (editors complete the file from the same schema). Pure: the adapters find and read the file
 * (the CLI from the current folder up, the language server at each workspace folder's root) and
 * hand its text here; every problem comes back with its line and column.
 */
import Ajv, { type ErrorObject } from "ajv";
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from "jsonc-parser/lib/esm/main.js";
import schema from "../../schemas/crmrules.schema.json";
import type { LintLevel } from "../diagnostics/lintCatalogue.js";
import { LineIndex } from "../text/positions.js";

/** The file's name, looked for at the workspace root (core/config/file.ts). */
export { CONFIG_FILE } from "./file.js";


export interface CrmrulesConfig {
  /** The workspace root, relative to the config file's folder. */
  root?: string;
  lint?: { rules?: Record<string, LintLevel> };
  format?: { alignRuleColons?: boolean; indentSize?: number; maxLineLength?: number };
  output?: { check?: string; test?: string; lint?: string };
  coverage?: { minimum?: number | Record<string, number> };
}

/** A problem in the file, at its 1-based line and column. */
export interface ConfigProblem {
  line: number;
  column: number;
  message: string;
}

export type ConfigResult = { ok: true; config: CrmrulesConfig } | { ok: false; problems: ConfigProblem[] };

/** jsonc-parser's error names in words. */
const SYNTAX: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "a setting's name in double quotes expected",
  ValueExpected: "a value expected",
  ColonExpected: "`:` expected",
  CommaExpected: "`,` expected",
  CloseBraceExpected: "`}` expected",
  CloseBracketExpected: "`]` expected",
  EndOfFileExpected: "text after the end of the object",
  InvalidCommentToken: "comments are not allowed",
  UnexpectedEndOfComment: "comments are not allowed",
  UnexpectedEndOfString: "unterminated text",
  UnexpectedEndOfNumber: "malformed number",
  InvalidUnicode: "malformed \\u escape",
  InvalidEscapeCharacter: "malformed escape",
  InvalidCharacter: "control character in a text",
};

let validate: ReturnType<Ajv["compile"]> | undefined;

/** Reads a config file's text: the config, or every problem with its place. */
export function parseConfig(text: string): ConfigResult {
  const lines = new LineIndex(text);
  const at = (offset: number) => {
    const p = lines.position(Math.max(0, Math.min(offset, text.length)));
    return { line: p.line + 1, column: p.character + 1 };
  };
  const syntax: ParseError[] = [];
  const body = text.replace(/^\uFEFF/, " ");
  const tree = parseTree(body, syntax, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  // The first syntax error only: the ones after it are mostly its echoes.
  if (syntax.length) return { ok: false, problems: syntax.slice(0, 1).map((e) => ({ ...at(e.offset), message: `not valid JSON: ${SYNTAX[printParseErrorCode(e.error)] ?? printParseErrorCode(e.error)}` })) };
  const value: unknown = JSON.parse(body);
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (validate(value)) return { ok: true, config: value as CrmrulesConfig };
  const problems = (validate.errors ?? [])
    // `oneOf` repeats what its branches said; keep the branches' words.
    .filter((e) => e.keyword !== "oneOf" && e.keyword !== "if")
    .map((e) => problemOf(e, tree!, at));
  const seen = new Set<string>();
  return { ok: false, problems: problems.filter((p) => !seen.has(JSON.stringify(p)) && (seen.add(JSON.stringify(p)), true)).sort((a, b) => a.line - b.line || a.column - b.column) };
}

function problemOf(e: ErrorObject, tree: JsonNode, at: (o: number) => { line: number; column: number }): ConfigProblem {
  const path = e.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const name = path.length ? `\`${path.join(".")}\`` : "the file";
  const p = e.params as Record<string, unknown>;
  if (e.keyword === "additionalProperties") {
    const key = String(p["additionalProperty"]);
    const offset = findNodeAtLocation(tree, [...path, key])?.parent?.offset ?? findNodeAtLocation(tree, path)?.offset ?? 0;
    return { ...at(offset), message: `unknown setting \`${[...path, key].join(".")}\`${allowedIn(path)}` };
  }
  const offset = findNodeAtLocation(tree, path)?.offset ?? 0;
  switch (e.keyword) {
    case "enum":
      return { ...at(offset), message: `${name} must be one of ${(p["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    case "type":
      return { ...at(offset), message: `${name} must be ${typeWord(String(p["type"]))}` };
    case "minimum":
    case "maximum":
      return { ...at(offset), message: `${name} must be ${e.keyword === "minimum" ? "at least" : "at most"} ${String(p["limit"])}` };
    case "pattern":
      return { ...at(offset), message: `${name}: a name of lower-case letters is expected` };
    default:
      return { ...at(offset), message: `${name} ${e.message ?? "is not valid"}` };
  }
}

function typeWord(type: string): string {
  return type === "integer" ? "a whole number" : type === "object" ? "an object ({ … })" : type === "array" ? "a list" : `a ${type}`;
}

/** ", expected one of: …" for an object of the schema with fixed properties. */
function allowedIn(path: string[]): string {
  let node = schema as unknown as { properties?: Record<string, unknown> };
  for (const k of path) node = (node.properties?.[k] ?? {}) as typeof node;
  const keys = Object.keys(node.properties ?? {}).filter((k) => k !== "$schema");
  return keys.length ? ` (expected one of: ${keys.join(", ")})` : "";
}
