/** Hover: what a name is, in words (type, doc, points, windows, maxima, countries). */
import * as L from "vscode-languageserver";
import type * as A from "../../core/syntax/ast.js";
import { durationText } from "../../core/syntax/literal.js";
import type { CrmSymbol } from "../../core/workspace.js";
import { maxPossibleScore, membersOf, symbolAt } from "../../core/checker/queries.js";
import { range } from "./convert.js";
import { specSectionUri } from "../../core/docLinks.js";
import { nameAt } from "./navigation.js";
import { typeText } from "../../core/binder/bind.js";
import type { Snapshot } from "./workspace.js";
import { inflect, plural } from "../../core/text/words.js";

export function hover(snap: Snapshot, path: string, offset: number): L.Hover | null {
  const o = nameAt(snap, path, offset);
  if (!o) return null;
  return { contents: { kind: L.MarkupKind.Markdown, value: describe(snap, o.symbol) }, range: range(o.range) };
}

export function describe(snap: Snapshot, d: CrmSymbol): string {
  const src = (n: A.Node | undefined) => (n ? snap.file(d.uri)?.lines.text.slice(n.range.start.offset, n.range.end.offset) ?? "" : "");
  const node = d.node;
  const lines: string[] = [];
  if (d.builtin) {
    // Built-in events and their fields have no source: the binder's detail and doc say it all.
    const check = snap.checks()[0];
    if (d.kind === "event") {
      const fields = check ? membersOf(check, d.id) : [];
      lines.push(`built-in event ${eventSignature(d.name, fields.map((f) => `${f.name}: ${f.detail ?? "?"}`))}`);
    } else lines.push(`field \`${d.name}\` of built-in event \`${d.container}\`: \`${d.detail ?? "?"}\``);
    if (d.doc) lines.push(d.doc);
    return lines.join("\n\n");
  }
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
      lines.push(`event ${eventSignature(d.name, (e?.fields ?? []).map((f) => `${f.name?.text}: ${typeText(f.type)}`))}`);
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
      lines.push(`${plural(s.rules.length, "rule")}`);
      break;
    }
    case "scoreRule":
      lines.push(`rule \`${d.name}\` of score \`${d.container}\``, ruleInWords(node as A.ScoreRule, src), specLink("Rules", "score rules"));
      break;
    case "routeRule":
      lines.push(`routing rule \`${d.name}\` of route \`${d.container}\``, "```crmrules\n" + firstLine(src(node)) + "\n```", specLink("Routes", "routing rules"));
      break;
    case "territory":
    case "set": {
      const s = node as A.SetDecl;
      const items = expandSet(snap, d.uri, s.value, new Set([d.id]));
      lines.push(`${d.kind} \`${d.name}\``, items.length ? `${plural(items.length, "item")}: ${items.join(", ")}` : "empty");
      break;
    }
    case "stage": {
      const s = node as A.StageDecl;
      lines.push(`stage \`${d.name}\`${s.modifiers.length ? ` (${s.modifiers.map((m) => m.text).join(", ")})` : ""}`);
      if (s.when) lines.push(`entered when ${src(s.when)}`);
      break;
    }
    case "grade": {
      const g = node as A.GradeDecl;
      lines.push(`grade \`${d.name}\`${g.score ? ` from score \`${g.score.text}\`` : ""}`);
      const letters = g.entries.filter((x) => x.letter).map((x) => `\`${x.letter!.text}\` ${x.otherwise ? "otherwise" : `≥ ${x.min?.value ?? "?"}`}`);
      lines.push(letters.length ? `letters, best first: ${letters.join(", ")}` : "no letters");
      break;
    }
    case "enumValue":
      lines.push(`value \`${d.name}\` of \`${d.container}\``);
      break;
    case "gradeLetter":
      lines.push(`grade letter \`${d.name}\` of \`${d.container}\`${d.detail ? `: ${d.detail}` : ""}`);
      break;
    default:
      lines.push(`${kindWord(d.kind)} \`${d.name}\``, "```crmrules\n" + firstLine(src(node)) + "\n```");
  }
  if (d.doc) lines.push("", d.doc);
  return lines.join("\n\n").replace(/\n\n\n\n/g, "\n\n");
}

/** A link to a section of the language reference (`heading` is the section's unique heading there). */
export function specLink(heading: string, what: string): string {
  return `[${what} in the language reference](${specSectionUri(heading)})`;
}

/** `` `name { a: text }` ``, or `` `name` (no payload fields)`` for an event without any. */
function eventSignature(name: string, fields: string[]): string {
  return fields.length ? `\`${name} { ${fields.join(", ")} }\`` : `\`${name}\` (no payload fields)`;
}

function kindWord(k: string): string {
  return { routeRule: "routing rule", gradeLetter: "grade letter", payloadField: "event field" }[k] ?? k;
}

function firstLine(s: string): string {
  const l = s.split(/\r?\n/);
  return l.length > 1 ? l[0] + " …" : s;
}

export const duration = durationText;

export function ruleInWords(r: A.ScoreRule | undefined, src: (n: A.Node | undefined) => string): string {
  if (!r) return "";
  const p = r.points?.value ?? 0;
  const pts = `${p >= 0 ? "adds" : "takes away"} ${plural(Math.abs(p), "point")}`;
  const t = r.trigger;
  if (!t) return pts;
  if (t.kind === "AttributeTrigger") return `${pts} while ${src(t.when)}`;
  if (t.kind === "InactivityTrigger") return `${pts} after ${duration(t.after)} without ${t.events.map((e) => e.text).join(" or ")}`;
  const parts = [`${pts} on each \`${t.event?.text ?? "?"}\``];
  if (t.where) parts.push(`where ${src(t.where)}`);
  if (t.times) parts.push(`once it happened at least ${t.times.value} times${t.within ? ` within ${duration(t.within)}` : ""}`);
  else if (t.within) parts.push(`(the points expire after ${duration(t.within)})`);
  if (t.limit) parts.push(t.limit.per ? `at most ${t.limit.count?.value ?? "?"} times per ${duration(t.limit.per)}` : `at most ${t.limit.count?.value ?? "?"} ${inflect(t.limit.count?.value, "time")} ever`);
  if (t.when) parts.push(`only when ${src(t.when)}`);
  return parts.join(", ");
}

/**
 * The items of a set/territory expression in `uri`, following the sets it
 * names as the checker resolved them (a set this file does not import stays
 * a bare word).
 */
export function expandSet(snap: Snapshot, uri: string, e: A.Expr | undefined, seen: Set<string>, memo = new Map<string, string[]>()): string[] {
  if (!e) return [];
  switch (e.kind) {
    case "List":
      return [...new Set(e.items.flatMap((i) => expandSet(snap, uri, i, seen, memo)))];
    case "String":
      return [e.value];
    case "Paren":
      return expandSet(snap, uri, e.inner, seen, memo);
    case "Binary": {
      // `a + b - c …` is left-deep, as deep as it is long: folded in a loop, first operand first.
      if (e.op !== "+" && e.op !== "-") return expandSet(snap, uri, e.left, seen, memo);
      const spine: A.BinaryExpr[] = [e];
      let cur = e;
      while (cur.left?.kind === "Binary" && (cur.left.op === "+" || cur.left.op === "-")) spine.push((cur = cur.left));
      let acc = new Set(expandSet(snap, uri, cur.left, seen, memo));
      for (let i = spine.length - 1; i >= 0; i--) {
        const r = expandSet(snap, uri, spine[i]!.right, seen, memo);
        if (spine[i]!.op === "+") for (const x of r) acc.add(x);
        else {
          const drop = new Set(r);
          acc = new Set([...acc].filter((x) => !drop.has(x)));
        }
      }
      return [...acc];
    }
    case "Path": {
      if (e.segments.length) return [];
      const check = snap.checkOf(uri);
      const ref = check && symbolAt(check, uri, e.head.range.start.offset);
      if (ref && (ref.kind === "territory" || ref.kind === "set")) {
        // `seen` holds the sets being expanded (a circle stops there); a set named twice is expanded twice (`emea - nordics`).
        // Each set is expanded once per hover (`memo`), so sets built from sets stay linear.
        if (seen.has(ref.id)) return [];
        const hit = memo.get(ref.id);
        if (hit) return hit;
        seen.add(ref.id);
        const items = expandSet(snap, ref.uri, (ref.node as A.SetDecl | undefined)?.value, seen, memo);
        seen.delete(ref.id);
        memo.set(ref.id, items);
        return items;
      }
      return [e.head.text];
    }
    default:
      return [];
  }
}
