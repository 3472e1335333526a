/** Walks every declaration of a file: resolves names and checks types (schema, rules, routing, consent, workflows, journeys). */
import { visitExprs } from "../syntax/walk.js";
import type * as A from "../syntax/ast.js";
import type { CrmSymbol } from "../workspace.js";
import type { Checker } from "./checker.js";
import { T, type Ty } from "./types.js";
import type { Binding } from "../binder/bind.js";
import { CONSENT_BASES, CONSENT_METHODS, isConsentBasis, isExpressBasis } from "../vocabulary.js";
import type { Fix } from "../diagnostics/diagnostic.js";
import { choiceFixes, removeClauseFix, replaceFix } from "./fixes.js";
import { inflect } from "../text/words.js";

/** Checks the declarations `file.decls` of the file `uri` (check.ts hands it one top-level declaration at a time). */
export function checkFile(c: Checker, uri: string, file: { readonly decls: Iterable<A.Decl> }): void {
  const b = c.b;
  /** Adds `detour` after the stage's name and options (in the file that declares it). */
  const markDetour = (stage: CrmSymbol): Fix[] => {
    const d = stage.node as A.StageDecl | undefined;
    if (!d?.name || stage.builtin) return [];
    const after = d.modifiers.length ? d.modifiers[d.modifiers.length - 1]!.range.end : d.name.range.end;
    return [{ title: `mark \`${stage.name}\` as \`detour\``, edits: [{ uri: stage.uri, range: { start: after, end: after }, newText: " detour" }], preferred: true }];
  };
  /** Removes `expires after D` from a basis that cannot expire. */
  const removeExpiry = (bs: A.ConsentBasis): Fix[] => {
    const pr = b.files.get(uri);
    if (!pr || !bs.expires) return [];
    const kw = pr.lines.text.lastIndexOf("expires", bs.expires.range.start.offset);
    if (kw < bs.range.start.offset) return [];
    return [removeClauseFix(pr, uri, pr.lines.range(kw, bs.expires.range.end.offset), "remove the expiry", true)];
  };
  const trigger = (t: A.Trigger | undefined) => {
    if (!t) return;
    if (t.kind === "StageTrigger") c.resolve(uri, t.stage, "stage", ["stage"], "stage");
    else {
      const ev = c.resolve(uri, t.event, "event", ["event"], "event");
      if (t.where) c.condition(t.where, ev ? { uri, payload: ev } : { uri });
    }
  };
  const target = (t: A.Target | undefined) => {
    if (!t || t.targetKind === "discard" || !t.ref) return;
    c.resolve(uri, t.ref, "target", [t.targetKind], t.targetKind);
  };
  const call = (call: A.ActionCall | undefined, requireArgs: boolean) => {
    if (!call) return;
    const a = c.resolve(uri, call.action, "action", ["action"], "action");
    if (!a || !call.action) return;
    const params = (a.node as A.ActionDecl).params;
    if (!call.args) {
      if (requireArgs && params.length)
        c.report("CR3008", uri, call.action.range, `\`${a.name}\` needs ${params.length} ${inflect(params.length, "value")} (${params.map((p) => p.name?.text ?? "?").join(", ")}), as in \`${a.name}(…)\``);
      return;
    }
    if (call.args.length !== params.length) {
      c.report("CR3008", uri, call.range, `\`${a.name}\` takes ${params.length} ${inflect(params.length, "value")}${params.length ? ` (${params.map((p) => p.name?.text ?? "?").join(", ")})` : ""}, but ${call.args.length} ${inflect(call.args.length, "is", "are")} given`);
    }
    call.args.forEach((arg, i) => {
      const p = params[i];
      if (!p?.name) {
        c.infer(arg, { uri });
        return;
      }
      const ps = b.member(a, p.name.text);
      c.value(arg, ps ? c.typeOfSymbol(ps) : T.unknown, uri, p.name.text, "CR3008");
    });
  };
  const record = (rec: A.RecordLit | undefined, lookupField: (n: A.Name) => CrmSymbol | undefined) => {
    if (!rec) return;
    const seen = new Set<string>();
    for (const en of rec.entries) {
      if (!en.key) continue;
      if (seen.has(en.key.text)) c.report("CR2002", uri, en.key.range, `\`${en.key.text}\` is given twice`);
      seen.add(en.key.text);
      const f = lookupField(en.key);
      if (en.value) {
        if (f) c.value(en.value, c.typeOfSymbol(f), uri, en.key.text);
        else c.infer(en.value, { uri });
      }
    }
  };

  /** An attribute rule may read lead fields, sets and constants only (docs/language.md §6). */
  const attributeReads = (r: A.ScoreRule, t: A.AttributeTrigger, refsBefore: number) => {
    const rule = r.name ? `\`${r.name.text}\`` : "this rule";
    const advice = "attribute rules (`when`) may only read lead fields, sets and fixed values; to react to it, use an event rule (`on EVENT … when …`)";
    for (let i = refsBefore; i < c.refs.length; i++) {
      const ref = c.refs[i]!;
      const s = b.symbols.get(ref.symbolId);
      if (!s || (s.kind !== "score" && s.kind !== "grade" && s.kind !== "event")) continue;
      const what = s.kind === "event" ? `the event \`${s.name}\`` : `the ${s.kind} \`${s.name}\``;
      c.report("CR3013", uri, ref.range, `${rule} depends on ${what}, but ${advice}`);
    }
    // Explicit stack: an operator chain is as deep as it is long.
    const walkStage = (root: A.Expr | undefined): void =>
      visitExprs(root, (e) => {
        switch (e.kind) {
          case "StageRef":
            c.report("CR3013", uri, e.range, `${rule} depends on the current stage, but ${advice}`);
            return false;
          case "Binary":
          case "Unary":
          case "Paren":
          case "Is":
          case "Between":
            return true;
          default:
            return false;
        }
      });
    walkStage(t.when);
  };

  for (const d of file.decls) {
    switch (d.kind) {
      case "Lead":
        for (const f of d.fields) c.checkTypeRef(uri, f.type);
        break;
      case "Event":
        for (const f of d.fields) c.checkTypeRef(uri, f.type);
        break;
      case "Set": {
        const s = d.name && b.lookup(uri, "value", d.name.text);
        if (s && s.node === d) c.setType(s);
        else if (d.value) c.infer(d.value, { uri });
        break;
      }
      case "Score":
        for (const r of d.rules) {
          const t = r.trigger;
          if (!t) continue;
          if (t.kind === "AttributeTrigger") {
            const before = c.refs.length;
            c.condition(t.when, { uri });
            attributeReads(r, t, before);
          }
          else if (t.kind === "EventTrigger") {
            const ev = c.resolve(uri, t.event, "event", ["event"], "event");
            if (t.where) c.condition(t.where, ev ? { uri, payload: ev } : { uri });
            c.condition(t.when, { uri });
          } else for (const ev of t.events) c.resolve(uri, ev, "event", ["event"], "event");
        }
        break;
      case "Grade":
        c.resolve(uri, d.score, "value", ["score"], "score");
        break;
      case "Stage":
        for (const m of d.modifiers)
          if (m.text !== "initial" && m.text !== "detour") {
            const { hint } = c.fixesFor(uri, m.range, m.text, ["initial", "detour"]);
            c.report("CR3010", uri, m.range, `\`${m.text}\` is not a stage option; use \`initial\` or \`detour\`${hint}`, { fixes: choiceFixes(uri, m.range, m.text, ["initial", "detour"]) });
          }
        c.condition(d.when, { uri });
        break;
      case "Reenter": {
        const s = c.resolve(uri, d.stage, "stage", ["stage"], "stage");
        const f = c.resolve(uri, d.from, "stage", ["stage"], "stage");
        const isDetour = (x: CrmSymbol) => (x.node as A.StageDecl).modifiers.some((m) => m.text === "detour");
        if (f && d.from && !isDetour(f)) c.report("CR3012", uri, d.from.range, `\`${f.name}\` is not a detour stage, so leads never need to re-enter from it (mark it \`detour\`)`, { fixes: markDetour(f) });
        if (s && d.stage && isDetour(s)) c.report("CR3012", uri, d.stage.range, `\`${s.name}\` is itself a detour stage; re-entry leads back to a regular stage`);
        break;
      }
      case "Owner":
      case "Queue":
        break;
      case "Team":
        if (d.strategy && d.strategy.text !== "round_robin") {
          const { hint } = c.fixesFor(uri, d.strategy.range, d.strategy.text, ["round_robin"]);
          // The only strategy there is: the fix is preferred whether or not the word is close to it.
          c.report("CR3010", uri, d.strategy.range, `\`${d.strategy.text}\` is not a team strategy; use \`round_robin\`${hint}`, { fixes: [replaceFix(uri, d.strategy.range, "round_robin", undefined, true)] });
        }
        for (const m of d.members) c.resolve(uri, m.owner, "target", ["owner"], "owner");
        break;
      case "Route":
        trigger(d.trigger);
        for (const r of d.rules) {
          c.condition(r.when, { uri });
          target(r.target);
          for (const e of r.escalations) target(e.target);
        }
        if (d.fallback) {
          target(d.fallback.target);
          for (const e of d.fallback.escalations) target(e.target);
        }
        break;
      case "Consent": {
        if (d.name && !b.namesVisible(uri, "field").some((n) => b.lookup(uri, "field", n) && c.typeOfSymbol(b.lookup(uri, "field", n)!).k === "country"))
          c.report("CR3011", uri, d.name.range, "consent rules choose by the lead's country, but the lead schema has no field of type `country`");
        for (const cl of d.clauses) {
          if (cl.region) {
            const t = c.infer(cl.region, { uri }, { k: "set", el: T.country });
            if (t.k !== "set" && t.k !== "unknown" && t.k !== "country") c.report("CR3002", uri, cl.region.range, `\`in\` needs countries (a territory or a list like \`[DE, AT]\`)`);
          }
          for (const bs of cl.bases) {
            if (!bs.basis) continue;
            if (!isConsentBasis(bs.basis.text)) {
              const { hint } = c.fixesFor(uri, bs.basis.range, bs.basis.text, [...CONSENT_BASES]);
              // `implied` alone would be an error of its own (it needs a period and an anchor): offered only as a did-you-mean.
              const choices = choiceFixes(uri, bs.basis.range, bs.basis.text, [...CONSENT_BASES]).filter((f) => f.preferred || f.edits[0]!.newText !== "implied");
              c.report("CR3010", uri, bs.basis.range, `\`${bs.basis.text}\` is not a consent basis; use opt_in, double_opt_in, opt_out or implied${hint}`, { fixes: choices });
              continue;
            }
            if (bs.basis.text === "implied") {
              if (!bs.anchor || !bs.impliedFor) c.report("CR3010", uri, bs.range, "implied consent needs a period and the event it follows, as in `implied 6 months after inquiry`");
              else implicitAnchor(c, b, uri, bs.anchor);
            }
            if (bs.expires && !isExpressBasis(bs.basis.text))
              c.report("CR3010", uri, bs.expires.range, `only opt_in and double_opt_in consent can expire`, { fixes: removeExpiry(bs) });
          }
        }
        break;
      }
      case "Action":
        for (const p of d.params) c.checkTypeRef(uri, p.type);
        if (d.requires) c.resolve(uri, d.requires, "consent", ["consent"], "consent purpose");
        break;
      case "Workflow":
        trigger(d.trigger);
        for (const s of d.steps) {
          if (s.kind !== "Do") continue;
          call(s.call, true);
          c.condition(s.when, { uri });
          c.condition(s.unless, { uri });
        }
        break;
      case "Journey":
        record(d.lead, (n) => c.leadField(uri, n));
        for (const l of d.leads ?? []) record(l.fields, (n) => c.leadField(uri, n));
        for (const s of d.steps) {
          if (s.kind === "EventStep") {
            const ev = c.resolve(uri, s.event, "event", ["event"], "event");
            record(s.payload, (n) => (ev ? c.payloadField(uri, ev, n) : undefined));
          } else if (s.kind === "UpdateStep") record(s.values, (n) => c.leadField(uri, n));
          else if (s.expectation) expectation(s.expectation);
        }
        break;
    }
  }

  function expectation(x: A.Expectation): void {
    switch (x.kind) {
      case "ExpectStage":
        c.resolve(uri, x.stage, "stage", ["stage"], "stage");
        break;
      case "ExpectScore":
        c.resolve(uri, x.score, "value", ["score"], "score");
        break;
      case "ExpectGrade": {
        const g = c.resolve(uri, x.grade, "value", ["grade"], "grade");
        if (g && x.letter) {
          const gt = c.typeOfSymbol(g) as Extract<Ty, { k: "grade" }>;
          c.infer({ kind: "Path", head: x.letter, segments: [], range: x.letter.range }, { uri }, gt);
        }
        break;
      }
      case "ExpectRouted":
        target(x.target);
        break;
      case "ExpectAction":
        call(x.call, false);
        break;
    }
  }
}

/** The methods an anchor can name (`import` is a keyword and cannot be written there). */
const ANCHOR_METHODS = CONSENT_METHODS.filter((m) => m !== "import");

/**
 * The anchor of `implied D after ANCHOR`: a declared event (the engine reads its history) or, when no
 * declared event has that name, a `consent_given` method. A built-in event is neither.
 */
function implicitAnchor(c: Checker, b: Binding, uri: string, anchor: A.Name): void {
  const s = b.lookup(uri, "event", anchor.text);
  if (s && !s.builtin) {
    c.resolve(uri, anchor, "event", ["event"], "event");
    return;
  }
  if (ANCHOR_METHODS.includes(anchor.text)) return;
  if (s) {
    c.report("CR3025", uri, anchor.range, `\`${anchor.text}\` is a built-in event; implied consent follows a declared event or a \`consent_given\` method (${ANCHOR_METHODS.join(", ")}), as in \`implied 6 months after inquiry\``);
    return;
  }
  const events = b.namesVisible(uri, "event", ["event"]).filter((n) => !b.lookup(uri, "event", n)?.builtin);
  const { hint, fixes } = c.fixesFor(uri, anchor.range, anchor.text, [...events, ...ANCHOR_METHODS]);
  c.report("CR2001", uri, anchor.range, `no event or consent method named \`${anchor.text}\`${hint}`, { fixes });
}
