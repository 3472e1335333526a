/**
 * The properties every generated input must keep (issue 13): nothing throws
 * (parse, check, format, compile, simulate), diagnostics come back with sane
 * codes and ranges and no internal error, time stays linear in size (an input
 * under 10 KB within 1 s), the formatter is idempotent and keeps every token
 * and comment, and on valid programs the engine keeps its invariants: score
 * bounds, forward stage order, and every contact action sent or blocked as an
 * independent consent model written from docs/language.md §9 decides.
 */
import { crmLexer } from "../../core/syntax/tokens.js";
import { checkWorkspace } from "../../core/checker/check.js";
import { catalogueEntry } from "../../core/diagnostics/catalogue.js";
import { format } from "../../core/format/format.js";
import { compile, runJourney, type JourneyResult, type TraceEntry } from "../../core/engine/index.js";
import type { Basis, ConsentSpec, Generated } from "./generator.js";

export interface Outcome {
  /**
   * CPU milliseconds (user + system, garbage collection included) for the whole pipeline on this input:
   * the time the input costs, whatever else the machine is doing (wall-clock time on a shared machine
   * measures the other processes too).
   */
  ms: number;
  /** Wall-clock milliseconds, for the record. */
  wallMs: number;
  bytes: number;
  /** Property violations (empty: all held). A throw is reported as `throw: …`. */
  failures: string[];
  /** Whether the engine invariants were checked (a valid program without errors). */
  engineChecked: boolean;
  /** Contact actions decided (sent, blocked) that the consent model judged. */
  decisions: { sent: number; blocked: number };
}

const URI = "/fuzz/main.crmrules";
export const SLOW_MS = 1000;
export const SMALL_BYTES = 10 * 1024;

export function checkInput(g: Generated): Outcome {
  const failures: string[] = [];
  const start = performance.now();
  const cpu = process.cpuUsage();
  let engineChecked = false;
  const decisions = { sent: 0, blocked: 0 };
  const step = <T>(what: string, f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      failures.push(`throw in ${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      return undefined;
    }
  };
  const text = g.text;
  // (The check parses the text; the formatter parses it again.)
  const check = step("check", () => checkWorkspace({ root: "/fuzz", files: [{ uri: URI, text }] }));
  if (check) {
    const ds = check.diagnostics;
    for (const d of ds) {
      if (!catalogueEntry(d.code)) failures.push(`unknown code ${d.code}`);
      if (d.code === "CR9001" || d.code === "CR1000") failures.push(`internal error diagnostic: ${d.code} ${d.message}`);
      if (!(d.range.start.offset <= d.range.end.offset && d.range.end.offset <= text.length)) failures.push(`range out of the file: ${d.code} ${JSON.stringify(d.range)}`);
      if (!d.message) failures.push(`empty message for ${d.code}`);
    }
    // The engine runs the rules as written; the domain analyses' errors (CR4xxx: consent weaker than the law,
    // shadowed routes…) do not change what the rules mean, so the invariants still apply.
    const errors = ds.some((d) => d.severity === "error" && !d.code.startsWith("CR4"));
    const rules = step("compile", () => compile(check, URI));
    if (rules) {
      for (const j of rules.journeys) {
        const r = step(`simulate ${j.journey.name?.value}`, () => runJourney(rules, j.journey));
        if (r && g.valid && !errors) {
          engineChecked = true;
          failures.push(...engineInvariants(g, r));
          for (const e of r.trace) if (e.kind === "action" && e.reach === "contact" && e.status !== "skipped") decisions[e.status]++;
        }
      }
    }
  }
  const out = step("format", () => format(text));
  if (out !== undefined) {
    const again = step("format (again)", () => format(out));
    if (again !== undefined && again !== out) failures.push("format is not idempotent");
    const a = tokensOf(text);
    const b = tokensOf(out);
    if (a !== b) failures.push("format changed the tokens or comments");
  }
  const used = process.cpuUsage(cpu);
  return { ms: (used.user + used.system) / 1000, wallMs: performance.now() - start, bytes: Buffer.byteLength(text), failures, engineChecked, decisions };
}

/** Every token and comment image in order (what the formatter must keep). */
function tokensOf(text: string): string {
  const lexed = crmLexer.tokenize(text);
  const all = [...lexed.tokens, ...((lexed.groups["comments"] ?? []) as typeof lexed.tokens)].sort((x, y) => x.startOffset - y.startOffset);
  return all.map((t) => t.image.replace(/\s+/g, " ")).join("\u0000");
}

// ------------------------------------------------------------------ engine invariants

export function engineInvariants(g: Generated, r: JourneyResult): string[] {
  const out: string[] = [];
  const where = (e: TraceEntry) => `journey ${r.journey}, ${e.time}`;
  for (const e of r.trace) {
    if (e.kind === "score" && e.after !== null) {
      const [floor, cap] = g.bounds.get(e.score) ?? [undefined, undefined];
      if ((cap !== undefined && e.after > cap + 1e-9) || (floor !== undefined && e.after < floor - 1e-9)) out.push(`${where(e)}: score ${e.score} = ${e.after} outside [${floor}, ${cap}]`);
    }
    if (e.kind === "stage" && e.how !== "initial") {
      const from = g.stages.indexOf(e.from ?? "");
      const to = g.stages.indexOf(e.to);
      if (e.how !== "forward" || !(to > from)) out.push(`${where(e)}: stage ${e.from} -> ${e.to} (${e.how}) is not forward`);
    }
  }
  for (const [name, v] of Object.entries(r.final.scores)) {
    const [floor, cap] = g.bounds.get(name) ?? [undefined, undefined];
    if (v !== null && ((cap !== undefined && v > cap + 1e-9) || (floor !== undefined && v < floor - 1e-9))) out.push(`journey ${r.journey}: final score ${name} = ${v} outside [${floor}, ${cap}]`);
  }
  if (g.consent) out.push(...consentAgainstModel(g.consent, r));
  return out;
}

const DAY = 1440;

/**
 * The independent model of docs/language.md §9 "Bases": replays the events of
 * the trace in processing order and decides each contact action.
 */
function consentAgainstModel(spec: ConsentSpec, r: JourneyResult): string[] {
  const out: string[] = [];
  const start = r.trace.find((e) => e.kind === "start");
  const country = start && start.kind === "start" ? (start.lead["country"] as string | undefined) : undefined;
  // The consent-relevant history so far, in processing order.
  const history: { name: string; at: number; method?: string; purpose?: string }[] = [];
  for (const e of r.trace) {
    if (e.kind === "event") {
      history.push({ name: e.name, at: e.at, method: e.values["method"] as string | undefined, purpose: e.values["purpose"] as string | undefined });
      continue;
    }
    if (e.kind !== "action" || e.reach !== "contact" || e.status === "skipped") continue;
    const want = decide(spec, country, history, e.at);
    const got = e.status === "sent";
    if (want !== got) out.push(`journey ${r.journey}, ${e.time}: \`${e.action}\` was ${e.status}, the consent model says ${want ? "sent" : "blocked"} (${e.reason})`);
  }
  return out;
}

const EXPRESS = new Set([undefined, "checkbox", "double_opt_in", "import"]);

function decide(spec: ConsentSpec, country: string | undefined, h: { name: string; at: number; method?: string; purpose?: string }[], now: number): boolean {
  if (h.some((x) => x.name === "erasure_requested")) return false;
  // §9: a lead of unknown jurisdiction (no country) must be allowed by every clause (the generator writes no `unknown` clause).
  if (country === undefined) return spec.clauses.length > 0 && spec.clauses.every((c) => decideIn(c));
  const clause = spec.clauses.find((c) => c.region === null || c.region.includes(country));
  if (!clause) return false;
  return decideIn(clause);
  function decideIn(clause: ConsentSpec["clauses"][number]): boolean {
  const given = (i: number) => h[i]!.name === "consent_given" && h[i]!.purpose === spec.purpose;
  const cancel = (i: number) => (h[i]!.name === "consent_withdrawn" && h[i]!.purpose === spec.purpose) || h[i]!.name === "unsubscribed";
  const lastIndex = (p: (i: number) => boolean) => {
    for (let i = h.length - 1; i >= 0; i--) if (p(i)) return i;
    return -1;
  };
  const lastCancel = lastIndex(cancel);
  const holds = (b: Basis): boolean => {
    switch (b.kind) {
      case "opt_in":
      case "double_opt_in": {
        const accepted = (i: number) => given(i) && (b.kind === "double_opt_in" ? h[i]!.method === "double_opt_in" : EXPRESS.has(h[i]!.method));
        const c = lastIndex(accepted);
        if (c < 0 || lastCancel > c) return false;
        return b.expiresDays === undefined || now <= h[c]!.at + b.expiresDays * DAY;
      }
      case "opt_out":
        return lastCancel < 0 || lastIndex(given) > lastCancel;
      case "implied": {
        // The anchor: a declared event of that name (the generator declares `inquiry` and `purchase`).
        const a = lastIndex((i) => h[i]!.name === b.anchor);
        if (a < 0 || now > h[a]!.at + b.days * DAY) return false;
        return lastCancel < 0 || lastIndex(given) > lastCancel;
      }
    }
  };
  return clause.bases.some(holds);
  }
}
