/**
 * Structural rules of docs/language.md that need no types: one `lead` and one
 * `initial` stage per workspace view, stages with no way in, sets defined in
 * terms of themselves, zero points, `requires` on internal actions, team
 * members listed twice, escalation order and `discard` escalations, journey
 * times (valid times of day, no going back, one `seed` and one `lead`).
 * One pass over the declarations of each file plus one walk of the set graph.
 */
import { visitExprs } from "../syntax/walk.js";
import { durationText } from "../syntax/literal.js";
import type * as A from "../syntax/ast.js";
import type { CrmSymbol } from "../workspace.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ParseResult } from "../syntax/parse.js";
import { makeDiagnostic } from "../diagnostics/catalogue.js";
import { removeFix, type Binding, type FileDecls } from "../binder/bind.js";
import { DAY, durationMinutes } from "../vocabulary.js";
import { reorderFix, replaceFix } from "./fixes.js";
import { journeyLeads } from "./journeyLeads.js";
import type { Range } from "../text/positions.js";
import { formatTime, MAX_DAY, outOfRangeDay } from "../time.js";


/**
 * The rules about one file's own declarations (its result depends on the file and the files it imports):
 * the rules of the file as a whole (imports, stages without a way in: `fileWideStructure`) and the rules of
 * each declaration on its own (`declStructure`, which check.ts runs one top-level declaration at a time).
 */
export function fileStructure(b: Binding, uri: string): Diagnostic[] {
  return [...fileWideStructure(b, uri), ...declStructure(b, uri, b.files.get(uri)?.file.decls ?? [])];
}

/** The rules about the file as a whole: imports written twice, stages no lead can enter (they depend on the order of every stage the file sees). */
export function fileWideStructure(b: Binding, uri: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pr = b.files.get(uri);
  if (!pr) return out;
  duplicateImports(b, uri, pr, out);
  unreachableStages(b, uri, out);
  return out;
}

/** The rules about each of `decls` on its own (points, requires, team members, escalations, journey times). */
export function declStructure(b: Binding, uri: string, decls: readonly A.Decl[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pr = b.files.get(uri);
  if (!pr) return out;
  for (const d of decls) {
    switch (d.kind) {
      case "Score":
        for (const r of d.rules)
          if (r.points && r.points.value === 0)
            out.push(
              makeDiagnostic("CR5008", uri, r.points.range, `\`${r.name?.text ?? "this rule"}\` gives 0 points, so it never changes \`${d.name?.text ?? "the score"}\`; give it points or remove it`, {
                fixes: [removeLineFix(pr, uri, r.range, `remove the rule \`${r.name?.text ?? "rule"}\``)],
              }),
            );
        break;
      case "Action":
        if (d.reach === "internal" && d.requires) {
          const text = pr.lines.text;
          const kw = text.lastIndexOf("requires", d.requires.range.start.offset);
          const start = kw >= 0 && d.reachRange && kw >= d.reachRange.end.offset ? kw : d.requires.range.start.offset;
          const edit = d.reachRange ? pr.lines.range(d.reachRange.end.offset, d.requires.range.end.offset) : pr.lines.range(start, d.requires.range.end.offset);
          out.push(
            makeDiagnostic("CR3014", uri, pr.lines.range(start, d.requires.range.end.offset), `\`${d.name?.text ?? "this action"}\` is internal, so it never contacts anyone and needs no consent; remove \`requires ${d.requires.text}\` or mark the action \`contact\``, {
              fixes: [{ title: `remove \`requires ${d.requires.text}\``, edits: [{ uri, range: edit, newText: "" }], preferred: true }],
            }),
          );
        }
        break;
      case "Team": {
        const seen = new Map<string, A.TeamMember>();
        for (const m of d.members) {
          if (!m.owner) continue;
          const first = seen.get(m.owner.text);
          if (!first) {
            seen.set(m.owner.text, m);
            continue;
          }
          out.push(
            makeDiagnostic("CR5012", uri, m.range, `\`${m.owner.text}\` is already a member of \`${d.name?.text ?? "this team"}\`; list each member once (use \`weight\` to give someone more leads)`, {
              related: [{ uri, range: first.range, message: `first listing of \`${m.owner.text}\`` }],
              fixes: [removeLineFix(pr, uri, m.range, `remove the second \`member ${m.owner.text}\``)],
            }),
          );
        }
        break;
      }
      case "Route":
        for (const r of [...d.rules, ...(d.fallback ? [d.fallback] : [])]) escalations(pr, uri, r.target, r.escalations, out);
        break;
      case "Journey":
        journey(pr, uri, d, out);
        break;
    }
  }
  return out;
}

const leadsAndInitials = new WeakMap<ParseResult, { leads: A.LeadDecl[]; initials: A.StageDecl[] }>();

/** The rules about files seen together: one `lead` and one `initial` stage per view, sets defined in terms of each other. */
export function workspaceStructure(b: Binding): Diagnostic[] {
  const out: Diagnostic[] = [];
  const leads: { uri: string; d: A.LeadDecl }[] = [];
  const initials: { uri: string; d: A.StageDecl }[] = [];
  for (const [uri, pr] of b.files) {
    let found = leadsAndInitials.get(pr);
    if (!found) {
      found = { leads: [], initials: [] };
      for (const d of pr.file.decls) {
        if (d.kind === "Lead") found.leads.push(d);
        else if (d.kind === "Stage" && d.modifiers.some((m) => m.text === "initial")) found.initials.push(d);
      }
      leadsAndInitials.set(pr, found);
    }
    for (const d of found.leads) leads.push({ uri, d });
    for (const d of found.initials) initials.push({ uri, d });
  }
  onePerView(b, leads, (x) => x.d.keyword, (x, first) =>
    makeDiagnostic("CR2009", x.uri, x.d.keyword, `a second \`lead\` declaration${first.uri !== x.uri ? ` (the lead is already declared in \`${relative(b.root, first.uri)}\`)` : ""}; a workspace has one lead schema, so move these fields into the first one`, {
      related: [{ uri: first.uri, range: first.d.keyword, message: "the first `lead` declaration" }],
    }),
    out,
  );
  onePerView(b, initials, (x) => x.d.name?.range ?? x.d.range, (x, first) => {
    const m = x.d.modifiers.find((mm) => mm.text === "initial")!;
    return makeDiagnostic("CR5009", x.uri, m.range, `\`${x.d.name?.text ?? "this stage"}\` is marked \`initial\`, but \`${first.d.name?.text ?? "another stage"}\` already is; leads start in one stage only`, {
      related: [{ uri: first.uri, range: first.d.name?.range ?? first.d.range, message: "the first initial stage" }],
      fixes: [{ title: "remove `initial`", edits: [{ uri: x.uri, range: removeWordRange(b.files.get(x.uri)!, m.range), newText: "" }], preferred: true }],
    });
  }, out);
  setCycles(b, out);
  journeyNamesAcrossFiles(b, out);
  return out;
}

const journeysOfFile = new WeakMap<ParseResult, A.JourneyDecl[]>();

/**
 * CR2020: a journey named like a journey of another file that neither sees the other
 * (files that see each other get CR2002 from the binder). Reported on each such journey
 * after the first, in file order.
 */
function journeyNamesAcrossFiles(b: Binding, out: Diagnostic[]): void {
  const byName = new Map<string, { uri: string; d: A.JourneyDecl }[]>();
  for (const uri of [...b.files.keys()].sort()) {
    const pr = b.files.get(uri)!;
    let js = journeysOfFile.get(pr);
    if (!js) {
      js = pr.file.decls.filter((d): d is A.JourneyDecl => d.kind === "Journey" && d.name !== undefined);
      journeysOfFile.set(pr, js);
    }
    for (const d of js) {
      const l = byName.get(d.name!.value);
      if (l) l.push({ uri, d });
      else byName.set(d.name!.value, [{ uri, d }]);
    }
  }
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    const sees = (x: string, y: string) => x === y || dfsFiles(b, x).includes(y) || dfsFiles(b, y).includes(x);
    group.forEach((x, i) => {
      const earlier = group.slice(0, i);
      // Files that see each other: the binder's CR2002 already reports the second one.
      if (earlier.some((y) => sees(x.uri, y.uri))) return;
      const first = earlier[0];
      if (!first) return;
      out.push(
        makeDiagnostic("CR2020", x.uri, x.d.name!.range, `a journey in \`${relative(b.root, first.uri)}\` is also named \`${x.d.name!.value}\`; test reports, \`simulate\` and \`diff\` name journeys by their name, so give this one its own name`, {
          related: [{ uri: first.uri, range: first.d.name!.range, message: "the other journey of that name" }],
        }),
      );
    });
  }
}

/** A file imported twice by the same file (`"./a.crmrules"` and `"a.crmrules"` are the same file): CR2011 on the later import. */
function duplicateImports(b: Binding, uri: string, pr: ParseResult, out: Diagnostic[]): void {
  const first = new Map<string, A.ImportDecl>();
  for (const { node, target } of b.decls.get(uri)?.imports ?? []) {
    const earlier = first.get(target);
    if (!earlier) {
      first.set(target, node);
      continue;
    }
    const same = earlier.path!.value === node.path!.value;
    out.push(
      makeDiagnostic("CR2011", uri, node.range, same ? `\`${node.path!.value}\` is already imported above; remove this line` : `\`${node.path!.value}\` is the file \`${earlier.path!.value}\` already imported above; remove this line`, {
        related: [{ uri, range: earlier.range, message: "the first import of that file" }],
        fixes: [{ ...removeLineFix(pr, uri, node.range, "remove the second import"), preferred: true }],
        tags: ["unnecessary"],
      }),
    );
  }
}

/** `removeFix`, also taking the indentation before the range when nothing else precedes it on its line. */
function removeLineFix(pr: ParseResult, uri: string, range: Range, title: string): ReturnType<typeof removeFix> {
  const text = pr.lines.text;
  let s = range.start.offset;
  while (s > 0 && (text[s - 1] === " " || text[s - 1] === "\t")) s--;
  const whole = s === 0 || text[s - 1] === "\n" || text[s - 1] === "\r";
  return removeFix(pr, uri, whole ? pr.lines.range(s, range.end.offset) : range, title);
}

function relative(root: string, uri: string): string {
  return uri.startsWith(root + "/") ? uri.slice(root.length + 1) : uri;
}

/** The range of a word plus the spaces before it (for a fix that removes the word). */
function removeWordRange(pr: ParseResult, r: Range): Range {
  const text = pr.lines.text;
  let s = r.start.offset;
  while (s > 0 && (text[s - 1] === " " || text[s - 1] === "\t")) s--;
  return pr.lines.range(s, r.end.offset);
}

/**
 * Reports every declaration after the first one among those a file sees
 * together, in declaration order (imports first, depth first); each reported once.
 */
function onePerView<X extends { uri: string }>(b: Binding, xs: X[], rangeOf: (x: X) => Range, report: (x: X, first: X) => Diagnostic, out: Diagnostic[]): void {
  if (xs.length < 2) return;
  const byFile = new Map<string, X[]>();
  for (const x of xs) {
    const l = byFile.get(x.uri);
    if (l) l.push(x);
    else byFile.set(x.uri, [x]);
  }
  for (const l of byFile.values()) l.sort((p, q) => rangeOf(p).start.offset - rangeOf(q).start.offset);
  const firstOf = new Map<X, X>();
  for (const f of [...b.files.keys()].sort()) {
    let first: X | undefined;
    for (const u of dfsFiles(b, f)) {
      for (const x of byFile.get(u) ?? []) {
        if (!first) first = x;
        else if (!firstOf.has(x) && x !== first) firstOf.set(x, first);
      }
    }
  }
  const ordered = [...xs].sort((p, q) => (p.uri < q.uri ? -1 : p.uri > q.uri ? 1 : rangeOf(p).start.offset - rangeOf(q).start.offset));
  for (const x of ordered) {
    const first = firstOf.get(x);
    if (first) out.push(report(x, first));
  }
}

const dfsMemo = new WeakMap<Binding, Map<string, string[]>>();

/** The files of a file's view in declaration order: imports first (depth first, in written order, each once), then the file itself. */
function dfsFiles(b: Binding, uri: string): string[] {
  let memo = dfsMemo.get(b);
  if (!memo) dfsMemo.set(b, (memo = new Map()));
  const hit = memo.get(uri);
  if (hit) return hit;
  const seen = new Set<string>();
  const list: string[] = [];
  const visit = (u: string) => {
    if (seen.has(u)) return;
    seen.add(u);
    if (!b.files.has(u)) return;
    for (const target of b.imports.get(u) ?? []) visit(target);
    list.push(u);
  };
  visit(uri);
  memo.set(uri, list);
  return list;
}

function escalations(pr: ParseResult, uri: string, target: A.Target | undefined, steps: A.Escalation[], out: Diagnostic[]): void {
  if (!steps.length) return;
  const first = steps[0]!;
  const last = steps[steps.length - 1]!;
  if (target?.targetKind === "discard") {
    const text = pr.lines.text;
    const kw = text.lastIndexOf("escalate", first.range.start.offset);
    const start = kw >= target.range.end.offset ? kw : first.range.start.offset;
    out.push(
      makeDiagnostic("CR5011", uri, pr.lines.range(start, last.range.end.offset), "a discarded lead is dropped on purpose, so nobody can miss a deadline on it; remove the escalation or route to an owner, team or queue", {
        fixes: [{ title: "remove the escalation", edits: [{ uri, range: pr.lines.range(target.range.end.offset, last.range.end.offset), newText: "" }], preferred: true }],
      }),
    );
    return;
  }
  // Every step's wait in minutes; the steps sorted by it (shortest first) when every wait is known and no two are equal.
  const waits = steps.map((e) => durationMinutes(e.after));
  const known = waits.every((w) => w !== undefined) && new Set(waits).size === waits.length;
  const sorted = known ? steps.map((e, i) => ({ e, w: waits[i]! })).sort((a, b) => a.w - b.w).map((x) => x.e) : undefined;
  const order = sorted && reorderFix(pr, uri, steps, sorted, "write the steps from the shortest wait to the longest");
  let prev: { step: A.Escalation; minutes: number } | undefined;
  for (const e of steps) {
    const m = durationMinutes(e.after);
    if (m === undefined || !e.after) continue;
    if (prev && m <= prev.minutes)
      out.push(
        makeDiagnostic("CR5010", uri, e.after.range, `\`after ${durationText(e.after)}\` is ${m === prev.minutes ? "the same as" : "earlier than"} the step before it (\`after ${durationText(prev.step.after!)}\`); every step counts from the routing decision, so write them from the shortest wait to the longest`, {
          related: [{ uri, range: prev.step.range, message: "the step before" }],
          ...(order ? { fixes: [order] } : {}),
        }),
      );
    if (!prev || m > prev.minutes) prev = { step: e, minutes: m };
  }
}



/** CR3041: `expect score S at day A > at day B` with a moment after the expectation's own time (`now`, minutes). */
function laterMoments(s: A.ExpectStep, now: number, uri: string, out: Diagnostic[]): void {
  const x = s.expectation;
  if (x?.kind !== "ExpectScore") return;
  for (const t of [x.at, x.than]) {
    if (!t?.day || t.day.value < 0 || t.day.value > MAX_DAY) continue;
    const m = t.day.value * DAY + (t.timeOfDay?.minutes ?? 0);
    if (m > now) out.push(makeDiagnostic("CR3041", uri, t.range, `\`${formatTime(m)}\` is after this expectation (${formatTime(now)}); an expectation compares with the journey's past only, so move it to ${formatTime(m)} or later, or compare with an earlier day`));
  }
}

/** CR3042: `expect sent ACTION N times` with N not a whole number. */
function timesCount(s: A.ExpectStep, uri: string, out: Diagnostic[]): void {
  const x = s.expectation;
  if (x?.kind !== "ExpectAction" || !x.times) return;
  if (!Number.isInteger(x.times.value)) out.push(makeDiagnostic("CR3042", uri, x.times.range, `\`${x.times.text}\` is not a whole number of times; write 0, 1, 2…`));
}

function journey(pr: ParseResult, uri: string, d: A.JourneyDecl, out: Diagnostic[]): void {
  journeyLeads(pr, uri, d, out);
  const text = pr.lines.text;
  let prev: { minutes: number; time?: A.TimeRef } = { minutes: 0 };
  for (const s of d.steps) {
    const t = s.time;
    if (s.kind === "ExpectStep") timesCount(s, uri, out);
    if (!t?.day) {
      // A step without `day` is at the time of the step before it.
      if (s.kind === "ExpectStep") laterMoments(s, prev.minutes, uri, out);
      continue;
    }
    // Days count from day 0 and end at MAX_DAY (the clock's exact range); such a step is not placed in time.
    if (t.day.value < 0 || t.day.value > MAX_DAY) {
      out.push(
        makeDiagnostic(
          "CR3019",
          uri,
          t.day.range,
          t.day.value < 0
            ? `\`day ${t.day.text}\` is before the journey starts; days count from day 0 (the lead's arrival), so write \`day 0\` or later`
            : `${outOfRangeDay(t.day.value, "day 0")}; journeys can use days 0 to ${MAX_DAY.toLocaleString("en-US")}`,
        ),
      );
      continue;
    }
    let minutes = t.day.value * DAY;
    if (t.timeOfDay) {
      const written = text.slice(t.timeOfDay.range.start.offset, t.timeOfDay.range.end.offset);
      const [h, m] = written.split(":").map(Number);
      if (h === undefined || m === undefined || h > 23 || m > 59) {
        out.push(makeDiagnostic("CR3016", uri, t.timeOfDay.range, `\`${written}\` is not a time of day; hours go from 00 to 23 and minutes from 00 to 59`));
        continue;
      }
      minutes += h * 60 + m;
    }
    if (s.kind === "ExpectStep") laterMoments(s, Math.max(minutes, prev.minutes), uri, out);
    if (minutes < prev.minutes) {
      out.push(
        makeDiagnostic("CR3017", uri, t.range, `this step is at ${formatTime(minutes)}, earlier than the step before it (${formatTime(prev.minutes)}); steps must not go back in time, so move it up or change its day`, {
          ...(prev.time
            ? {
                related: [{ uri, range: prev.time.range, message: "the step before" }],
                // The earliest time the step may have: the one of the step before it.
                fixes: [replaceFix(uri, t.range, text.slice(prev.time.range.start.offset, prev.time.range.end.offset), undefined, true)],
              }
            : {}),
        }),
      );
      continue;
    }
    prev = { minutes, time: t };
  }
  // `seed` and `lead` may each be written once; the tree keeps the last, and every entry as written.
  const seen = new Map<string, Range>();
  for (const { keyword, range } of d.entries) {
    const first = seen.get(keyword);
    if (!first) {
      seen.set(keyword, range);
      continue;
    }
    out.push(
      makeDiagnostic("CR3018", uri, range, keyword === "seed" ? "`seed` is given twice in this journey; keep one (only the last would count)" : "the journey's `lead` is given twice; put every starting field into one `lead { … }` (only the last would count)", {
        related: [{ uri, range: first, message: `the first \`${keyword}\`` }],
        ...(keyword === "seed" ? { fixes: [removeLineFix(pr, uri, range, "remove this `seed`")] } : {}),
      }),
    );
  }
}

function isDetour(d: A.StageDecl): boolean {
  return d.modifiers.some((m) => m.text === "detour");
}

/**
 * A stage without `when` is entered only as the initial stage (docs/language.md §7):
 * the one marked `initial`, or without one, the first non-detour stage in declaration order
 * of its own file's view (imports first, depth first, then the file's own declarations).
 */
function unreachableStages(b: Binding, uri: string, out: Diagnostic[]): void {
  const stagesOf = (u: string) => b.files.get(u)?.file.decls.filter((d): d is A.StageDecl => d.kind === "Stage") ?? [];
  let order: A.StageDecl[] | undefined;
  const pr = b.files.get(uri)!;
  for (const d of pr.file.decls) {
    if (d.kind !== "Stage" || d.when || !d.name) continue;
    if (d.modifiers.some((m) => m.text === "initial")) continue;
    let msg: string;
    if (isDetour(d)) msg = `no lead can ever enter \`${d.name.text}\`: a detour without \`when\` is never entered; add \`when …\` to say when leads go there`;
    else {
      // The stages of the file's view in declaration order (imports first), gathered once per file.
      order ??= dfsFiles(b, uri).flatMap(stagesOf);
      const marked = order.find((s) => s.modifiers.some((m) => m.text === "initial"));
      const first = marked ?? order.find((s) => !isDetour(s));
      if (first === d) continue;
      msg = `no lead can ever enter \`${d.name.text}\`: leads start in \`${first?.name?.text ?? "the first stage"}\`${marked ? "" : " (the first stage declared)"}, and a stage without \`when\` is entered only as the initial stage; add \`when …\` to say when leads move here`;
    }
    out.push(makeDiagnostic("CR4009", uri, d.name.range, msg));
  }
}

/** `set a = b + […]` with `set b = a`: reports the reference that closes each circle, naming it. */
function setCycles(b: Binding, out: Diagnostic[]): void {
  const edges = new Map<string, { to: CrmSymbol; range: Range; uri: string }[]>();
  const sets: CrmSymbol[] = [];
  for (const uri of [...b.decls.keys()].sort()) sets.push(...setsOf(b.decls.get(uri)!));
  for (const s of sets) {
    const list: { to: CrmSymbol; range: Range; uri: string }[] = [];
    // Explicit stack: `set s = a + b + …` is as deep as it is long.
    const visit = (root: A.Expr | undefined): void =>
      visitExprs(root, (e) => {
        switch (e.kind) {
          case "Path":
            if (!e.segments.length && e.head.text !== "lead") {
              const t = b.lookup(s.uri, "value", e.head.text);
              if (t && (t.kind === "set" || t.kind === "territory")) list.push({ to: t, range: e.head.range, uri: s.uri });
            }
            return false;
          case "Binary":
          case "Paren":
          case "List":
            return true;
          default:
            return false;
        }
      });
    visit((s.node as A.SetDecl).value);
    edges.set(s.id, list);
  }
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
  const stack: CrmSymbol[] = [];
  const dfs = (s: CrmSymbol): void => {
    state.set(s.id, 1);
    stack.push(s);
    for (const e of edges.get(s.id) ?? []) {
      const st = state.get(e.to.id);
      if (st === 1) {
        const circle = stack.slice(stack.findIndex((x) => x.id === e.to.id)).map((x) => x.name);
        circle.push(e.to.name);
        const msg =
          circle.length === 2
            ? `\`${s.name}\` is defined in terms of itself; a ${kindWord(s)} must be built from lists and other sets`
            : `\`${s.name}\` and \`${e.to.name}\` are defined in terms of each other (${circle.map((n) => `\`${n}\``).join(" → ")}); write the values out in one of them`;
        out.push(makeDiagnostic("CR2010", e.uri, e.range, msg, { related: [{ uri: e.to.uri, range: e.to.range, message: `\`${e.to.name}\` is declared here` }] }));
      } else if (st === undefined && edges.has(e.to.id)) dfs(e.to);
    }
    stack.pop();
    state.set(s.id, 2);
  };
  for (const s of sets) if (!state.has(s.id)) dfs(s);
}

const setsCache = new WeakMap<FileDecls, CrmSymbol[]>();

/** A file's sets and territories in declaration order (cached while the file is unchanged). */
function setsOf(d: FileDecls): CrmSymbol[] {
  let l = setsCache.get(d);
  if (!l) setsCache.set(d, (l = d.top.filter((s) => s.kind === "set" || s.kind === "territory").sort((p, q) => p.range.start.offset - q.range.start.offset)));
  return l;
}

function kindWord(s: CrmSymbol): string {
  return s.kind === "territory" ? "territory" : "set";
}
