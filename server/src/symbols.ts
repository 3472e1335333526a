/** Document symbols (an outline of scores, rules, routes, journeys…) and workspace symbols. */
import * as L from "vscode-languageserver";
import type * as A from "../../core/syntax/ast.js";
import type { ParseResult } from "../../core/syntax/parse.js";
import type { SymbolKind as CrmKind } from "../../core/workspace.js";
import { range } from "./convert.js";
import type { Snapshot } from "./workspace.js";
import { pathToUri } from "./uri.js";
import { typeText } from "../../core/binder/bind.js";

export const LSP_KIND: Record<CrmKind, L.SymbolKind> = {
  field: L.SymbolKind.Field,
  event: L.SymbolKind.Event,
  payloadField: L.SymbolKind.Field,
  set: L.SymbolKind.Array,
  territory: L.SymbolKind.Array,
  score: L.SymbolKind.Class,
  scoreRule: L.SymbolKind.Method,
  grade: L.SymbolKind.Enum,
  gradeLetter: L.SymbolKind.EnumMember,
  stage: L.SymbolKind.EnumMember,
  owner: L.SymbolKind.Constant,
  queue: L.SymbolKind.Constant,
  team: L.SymbolKind.Constant,
  route: L.SymbolKind.Interface,
  routeRule: L.SymbolKind.Method,
  consent: L.SymbolKind.Key,
  action: L.SymbolKind.Function,
  param: L.SymbolKind.Variable,
  workflow: L.SymbolKind.Module,
  journey: L.SymbolKind.Object,
  enumValue: L.SymbolKind.EnumMember,
};

function sym(name: string, detail: string | undefined, kind: L.SymbolKind, node: A.Node, sel: A.Node | undefined, children?: L.DocumentSymbol[]): L.DocumentSymbol {
  const r = range(node.range);
  let s = sel ? range(sel.range) : { start: r.start, end: r.start };
  // selectionRange must lie inside range.
  if (sel && (sel.range.start.offset < node.range.start.offset || sel.range.end.offset > node.range.end.offset)) s = { start: r.start, end: r.start };
  return { name: name || "(unnamed)", detail, kind, range: r, selectionRange: s, children };
}

export function documentSymbols(pr: ParseResult): L.DocumentSymbol[] {
  const out: L.DocumentSymbol[] = [];
  for (const d of pr.file.decls) {
    switch (d.kind) {
      case "Lead":
        out.push(sym("lead", "lead fields", L.SymbolKind.Struct, d, undefined, d.fields.filter((f) => f.name).map((f) => sym(f.name!.text, typeText(f.type), L.SymbolKind.Field, f, f.name))));
        break;
      case "Event":
        out.push(sym(d.name?.text ?? "", "event", L.SymbolKind.Event, d, d.name, d.fields.filter((f) => f.name).map((f) => sym(f.name!.text, typeText(f.type), L.SymbolKind.Field, f, f.name))));
        break;
      case "Set":
        out.push(sym(d.name?.text ?? "", d.keyword, L.SymbolKind.Array, d, d.name));
        break;
      case "Score":
        out.push(
          sym(d.name?.text ?? "", d.label ? `score "${d.label.value}"` : "score", L.SymbolKind.Class, d, d.name, d.rules.filter((r) => r.name).map((r) => sym(r.name!.text, r.points ? `${r.points.text} points` : "rule", L.SymbolKind.Method, r, r.name))),
        );
        break;
      case "Grade":
        out.push(sym(d.name?.text ?? "", d.score ? `grade from ${d.score.text}` : "grade", L.SymbolKind.Enum, d, d.name));
        break;
      case "Stage":
        out.push(sym(d.name?.text ?? "", "stage", L.SymbolKind.EnumMember, d, d.name));
        break;
      case "Reenter":
        out.push(sym(`reenter ${d.stage?.text ?? ""}`, d.from ? `from ${d.from.text}` : undefined, L.SymbolKind.Operator, d, d.stage));
        break;
      case "Owner":
      case "Queue":
        out.push(sym(d.name?.text ?? "", d.kind.toLowerCase(), L.SymbolKind.Constant, d, d.name));
        break;
      case "Team":
        out.push(sym(d.name?.text ?? "", "team", L.SymbolKind.Constant, d, d.name));
        break;
      case "Route":
        out.push(sym(d.name?.text ?? "", "route", L.SymbolKind.Interface, d, d.name, d.rules.filter((r) => r.name).map((r) => sym(r.name!.text, "routing rule", L.SymbolKind.Method, r, r.name))));
        break;
      case "Consent":
        out.push(sym(d.name?.text ?? "", "consent", L.SymbolKind.Key, d, d.name));
        break;
      case "Action":
        out.push(sym(d.name?.text ?? "", d.reach ? `${d.reach} action` : "action", L.SymbolKind.Function, d, d.name));
        break;
      case "Workflow":
        out.push(sym(d.name?.text ?? "", "workflow", L.SymbolKind.Module, d, d.name));
        break;
      case "Journey":
        out.push(sym(d.name?.value ?? "", "journey", L.SymbolKind.Object, d, d.name, d.steps.map((st) => journeyStep(pr.lines.text, st))));
        break;
    }
  }
  return out;
}

/** A journey step in the outline: its text (an event's payload left out), on one line. */
function journeyStep(text: string, st: A.JourneyStep): L.DocumentSymbol {
  const end = st.kind === "EventStep" && st.payload ? st.payload.range.start.offset : st.kind === "UpdateStep" && st.values ? st.values.range.start.offset : st.range.end.offset;
  let name = text.slice(st.range.start.offset, end).replace(/\s+/g, " ").trim();
  if (name.length > 80) name = name.slice(0, 79) + "…";
  const sel = st.kind === "EventStep" ? st.event : st.kind === "ExpectStep" ? st.expectation : st.time;
  if (st.kind === "EventStep") return sym(name, "event", L.SymbolKind.Event, st, sel);
  if (st.kind === "UpdateStep") return sym(name, "update", L.SymbolKind.Property, st, sel);
  return sym(name, "expectation", L.SymbolKind.Boolean, st, sel);
}

/** Every declaration of every check whose name matches `query` (members of actions and enum values left out). */
export function workspaceSymbols(snap: Snapshot, query: string): L.WorkspaceSymbol[] {
  const q = query.toLowerCase();
  const found: { s: L.WorkspaceSymbol; rank: number; uri: string; offset: number }[] = [];
  for (const check of snap.checks())
    for (const d of check.symbols.values()) {
      if (d.builtin || d.kind === "param" || d.kind === "enumValue") continue;
      const rank = matchRank(d.name, q);
      if (rank === undefined) continue;
      found.push({ s: { name: d.name, kind: LSP_KIND[d.kind], containerName: d.kind === "journey" ? "journey" : d.container, location: { uri: pathToUri(d.uri), range: range(d.range) } }, rank, uri: d.uri, offset: d.range.start.offset });
    }
  // Best match first; within a rank the shorter name (the closer match), then by name and place.
  found.sort((a, b) => a.rank - b.rank || a.s.name.length - b.s.name.length || a.s.name.localeCompare(b.s.name) || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.offset - b.offset));
  return found.slice(0, 500).map((f) => f.s);
}

/**
 * How well `name` matches the (lower-case) query, best 0: the whole name (0),
 * its start (1), the start of one of its words (2: after `_`, a space or
 * punctuation, or a capital in camelCase), anywhere inside (3), as a
 * subsequence (4, as editors do for symbol search); undefined: no match.
 * An empty query matches everything (rank 0).
 */
export function matchRank(name: string, q: string): number | undefined {
  if (!q) return 0;
  const n = name.toLowerCase();
  if (n === q) return 0;
  if (n.startsWith(q)) return 1;
  let at = n.indexOf(q);
  if (at >= 0) {
    for (; at >= 0; at = n.indexOf(q, at + 1)) {
      const before = name[at - 1]!;
      if (!/[\p{L}\p{N}]/u.test(before) || (/\p{Lu}/u.test(name[at]!) && !/\p{Lu}/u.test(before))) return 2;
    }
    return 3;
  }
  let i = 0;
  for (const c of n) if (c === q[i]) i++;
  return i === q.length ? 4 : undefined;
}
