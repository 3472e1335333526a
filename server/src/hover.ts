/** Hover: what a name is, in words (type, doc, points, windows, maxima, countries). */
import * as L from "vscode-languageserver";
import type * as A from "../../core/syntax/ast.js";
import { maxPossibleScore } from "../../core/checker/queries.js";
import { range } from "./convert.js";
import { checkerSymbolAt } from "./navigation.js";
import { BUILTIN_EVENTS, type Decl } from "./index.js";
import { typeText } from "./symbols.js";
import type { Snapshot } from "./workspace.js";

export function hover(snap: Snapshot, path: string, offset: number): L.Hover | null {
  const o = snap.index.occurrenceAt(path, offset);
  if (!o) {
    const s = checkerSymbolAt(snap, path, offset);
    if (!s) return null;
    const value = [`${s.kind} \`${s.name}\`${s.detail ? `: \`${s.detail}\`` : ""}`, s.doc].filter(Boolean).join("\n\n");
    return { contents: { kind: L.MarkupKind.Markdown, value } };
  }
  const d = snap.index.decls.get(o.key)?.find((x) => snap.sameFolder(path, x.uri));
  let text: string | undefined;
  if (d) text = describe(snap, d);
  else if (o.kind === "event" && BUILTIN_EVENTS[o.node.text]) {
    const b = BUILTIN_EVENTS[o.node.text]!;
    text = `built-in event \`${o.node.text} { ${Object.entries(b.fields).map(([k, v]) => `${k}: ${v}`).join(", ")} }\`\n\n${b.doc}`;
  }
  if (!text) return null;
  return { contents: { kind: L.MarkupKind.Markdown, value: text }, range: range(o.range) };
}

export function describe(snap: Snapshot, d: Decl): string {
  const src = (n: A.Node | undefined) => (n ? snap.files.get(d.uri)?.lines.text.slice(n.range.start.offset, n.range.end.offset) ?? "" : "");
  const node = declNode(snap, d);
  const lines: string[] = [];
  switch (d.kind) {
    case "field": {
      const f = node as A.FieldDecl | undefined;
      lines.push(`lead field \`lead.${d.name}\`: \`${typeText(f?.type)}\``);
      break;
    }
    case "payloadField": {
      const f = node as A.FieldDecl | undefined;
      lines.push(`field \`${d.name}\` of event \`${d.container}\`: \`${typeText(f?.type)}\``);
      break;
    }
    case "event": {
      const e = node as A.EventDecl | undefined;
      lines.push(`event \`${d.name} { ${(e?.fields ?? []).map((f) => `${f.name?.text}: ${typeText(f.type)}`).join(", ")} }\``);
      break;
    }
    case "score": {
      const s = node as A.ScoreDecl;
      lines.push(`score \`${d.name}\`${s.label ? ` "${s.label.value}"` : ""}`);
      const cap = s.settings.find((x): x is A.CapSetting => x.kind === "Cap")?.value?.value;
      const floor = s.settings.find((x): x is A.FloorSetting => x.kind === "Floor")?.value?.value;
      const decay = s.settings.find((x): x is A.DecaySetting => x.kind === "Decay");
      const check = snap.checkOf(d.uri);
      const m = check ? maxPossibleScore(check, d.name, d.uri) : undefined;
      if (m) lines.push(`maximum possible value: ${m.value === Infinity ? "unbounded" : m.value} (${m.reason})`);
      if (cap !== undefined) lines.push(`capped at ${cap}`);
      if (floor !== undefined) lines.push(`never below ${floor}`);
      if (decay?.percent) lines.push(`loses ${decay.percent.value}% every ${duration(decay.every)}`);
      lines.push(`${s.rules.length} rule${s.rules.length === 1 ? "" : "s"}`);
      break;
    }
    case "scoreRule":
      lines.push(`rule \`${d.name}\` of score \`${d.container}\``, ruleInWords(node as A.ScoreRule, src));
      break;
    case "territory":
    case "set": {
      const s = node as A.SetDecl;
      const items = expandSet(snap, s.value, new Set([d.name]), d.uri);
      lines.push(`${d.kind} \`${d.name}\``, items.length ? `${items.length} item${items.length === 1 ? "" : "s"}: ${items.join(", ")}` : "empty");
      break;
    }
    case "stage": {
      const s = node as A.StageDecl;
      lines.push(`stage \`${d.name}\`${s.modifiers.length ? ` (${s.modifiers.map((m) => m.text).join(", ")})` : ""}`);
      if (s.when) lines.push(`entered when ${src(s.when)}`);
      break;
    }
    case "enumValue":
      lines.push(`value \`${d.name}\` of \`${d.container}\``);
      break;
    default:
      lines.push(`${kindWord(d.kind)} \`${d.name}\``, "```crmrules\n" + firstLine(src(node ?? d.node)) + "\n```");
  }
  if (d.doc) lines.push("", d.doc);
  return lines.join("\n\n").replace(/\n\n\n\n/g, "\n\n");
}

function kindWord(k: string): string {
  return { routeRule: "routing rule", gradeLetter: "grade letter", payloadField: "event field" }[k] ?? k;
}

function firstLine(s: string): string {
  const l = s.split(/\r?\n/);
  return l.length > 1 ? l[0] + " …" : s;
}

function declNode(_snap: Snapshot, d: Decl): A.Node | undefined {
  return d.decl;
}

export function duration(d: A.Duration | undefined): string {
  if (!d) return "?";
  return `${d.amount?.text ?? "?"} ${d.unit?.text ?? ""}`.trim();
}

export function ruleInWords(r: A.ScoreRule | undefined, src: (n: A.Node | undefined) => string): string {
  if (!r) return "";
  const p = r.points?.value ?? 0;
  const pts = `${p >= 0 ? "adds" : "takes away"} ${Math.abs(p)} point${Math.abs(p) === 1 ? "" : "s"}`;
  const t = r.trigger;
  if (!t) return pts;
  if (t.kind === "AttributeTrigger") return `${pts} while ${src(t.when)}`;
  if (t.kind === "InactivityTrigger") return `${pts} after ${duration(t.after)} without ${t.events.map((e) => e.text).join(" or ")}`;
  const parts = [`${pts} on each \`${t.event?.text ?? "?"}\``];
  if (t.where) parts.push(`where ${src(t.where)}`);
  if (t.times) parts.push(`once it happened at least ${t.times.value} times${t.within ? ` within ${duration(t.within)}` : ""}`);
  else if (t.within) parts.push(`(the points expire after ${duration(t.within)})`);
  if (t.limit) parts.push(t.limit.per ? `at most ${t.limit.count?.value ?? "?"} times per ${duration(t.limit.per)}` : `at most ${t.limit.count?.value ?? "?"} time${t.limit.count?.value === 1 ? "" : "s"} ever`);
  if (t.when) parts.push(`only when ${src(t.when)}`);
  return parts.join(", ");
}

/** The items of a set/territory expression, following references to other sets. */
export function expandSet(snap: Snapshot, e: A.Expr | undefined, seen: Set<string>, from?: string): string[] {
  if (!e) return [];
  switch (e.kind) {
    case "List":
      return [...new Set(e.items.flatMap((i) => expandSet(snap, i, seen, from)))];
    case "String":
      return [e.value];
    case "Paren":
      return expandSet(snap, e.inner, seen, from);
    case "Binary": {
      const l = expandSet(snap, e.left, seen, from);
      const r = expandSet(snap, e.right, seen, from);
      if (e.op === "+") return [...new Set([...l, ...r])];
      if (e.op === "-") return l.filter((x) => !r.includes(x));
      return l;
    }
    case "Path": {
      if (e.segments.length) return [];
      const ref = snap.index.decls.get(`top:${e.head.text}`)?.find((x) => !from || snap.sameFolder(from, x.uri));
      if (ref && (ref.kind === "territory" || ref.kind === "set")) {
        if (seen.has(ref.name)) return [];
        seen.add(ref.name);
        const n = declNode(snap, ref) as A.SetDecl | undefined;
        return expandSet(snap, n?.value, seen, from);
      }
      return [e.head.text];
    }
    default:
      return [];
  }
}
