/**
 * Engine against oracle on one seeded case: a generated workspace, each of its journeys, and one
 * random event log. Used by test/engine/differential.test.ts (2,000+ cases) and by
 * `npm run differential` (scripts/differential.mjs, 10^5 cases). A disagreement is shrunk (lines
 * of the workspace removed while the rules still check and the two still disagree) and reported
 * with the first differing trace entry.
 */
import { isDeepStrictEqual } from "node:util";
import { checkWorkspace } from "../../../core/checker/check.js";
import { compile, runJourney as engineJourney } from "../../../core/engine/index.js";
import { replayLeadRun, leadSeed } from "../../../core/engine/bulk/index.js";
import type { LogRecord } from "../../../core/engine/bulk/index.js";
import type { Value } from "../../../core/engine/trace.js";
import { buildModel, runJourney as oracleJourney, OracleSim, observe, observeFinal, type Obs } from "./index.js";
import { generate, randomLog } from "./generate.js";

const URI = "/ws/rules.crmrules";

export interface CaseResult {
  seed: number;
  /** false: the generated rules did not check cleanly (not run). */
  ran: boolean;
  journeys: number;
  logs: number;
  expectations: number;
  entries: number;
  failure?: string;
}

interface Disagreement {
  what: string;
  at: number;
  engine: unknown;
  oracle: unknown;
  context: unknown[];
}

/** As JSON has it (the trace is JSON: `-0` is `0`, no undefined). */
const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function firstDifference(what: string, e0: Obs[], o0: Obs[], fe0: unknown, fo0: unknown): Disagreement | null {
  const [e, o, fe, fo] = [json(e0), json(o0), json(fe0), json(fo0)];
  const n = Math.max(e.length, o.length);
  for (let k = 0; k < n; k++) {
    if (!isDeepStrictEqual(e[k], o[k])) return { what: `${what}, trace entry ${k}`, at: k, engine: e[k] ?? "(no entry)", oracle: o[k] ?? "(no entry)", context: e.slice(Math.max(0, k - 3), k) };
  }
  if (!isDeepStrictEqual(fe, fo)) return { what: `${what}, final state`, at: n, engine: fe, oracle: fo, context: [] };
  return null;
}

/** Event logs per generated workspace. */
export const LOGS_PER_CASE = 2;

function logRecords(id: string, lead: Record<string, unknown>, steps: ReturnType<typeof randomLog>["steps"]): LogRecord[] {
  const out: LogRecord[] = [{ type: "lead", lead: id, at: 0, fields: lead as Record<string, Value> }];
  for (const s of steps) {
    if (s.kind === "event") out.push({ type: "event", lead: id, at: s.at / 1440, event: s.name, payload: { ...s.values } as Record<string, Value> });
    else out.push({ type: "update", lead: id, at: s.at / 1440, fields: { ...s.values } as Record<string, Value> });
  }
  return out;
}

/** Runs one workspace text through both; null when they agree. */
function compareText(text: string, logSeed: number, stats?: CaseResult): Disagreement | null | "invalid" {
  const check = checkWorkspace({ root: "/ws", files: [{ uri: URI, text }] });
  if (check.diagnostics.some((d) => d.severity === "error")) return "invalid";
  const rules = compile(check, URI);
  const model = buildModel(check, URI, new Map([[URI, text]]));
  for (const j of model.journeys) {
    const e = engineJourney(rules, j.journey);
    const o = oracleJourney(model, j.journey);
    const et = e.trace.map(observe);
    if (stats) {
      stats.journeys++;
      stats.expectations += o.expectations.length;
      stats.entries += et.length;
    }
    // A journey with several leads: every lead's final state too.
    const d = firstDifference(`journey "${j.journey.name?.value}"`, et, o.trace, { final: observeFinal(e.final), leads: e.leads?.map((l) => ({ name: l.name, final: observeFinal(l.final) })) }, { final: o.final, leads: o.leads });
    if (d) return d;
  }
  // Random event logs for one lead each (docs/event-log.md): replayed as journeys without expectations.
  for (let k = 0; k < LOGS_PER_CASE; k++) {
    const seed = logSeed * LOGS_PER_CASE + k;
    const log = randomLog(seed);
    const lead = `lead-${seed}`;
    const records = logRecords(lead, log.lead, log.steps);
    const run = replayLeadRun(rules, lead, records, { trace: true });
    const sim = new OracleSim(model, leadSeed(lead, 0));
    sim.start(log.lead);
    for (const s of log.steps) {
      if (s.kind === "event") sim.event(s.at, s.name, { ...s.values });
      else sim.update(s.at, { ...s.values });
    }
    const et = run.trace.map(observe);
    if (stats) {
      stats.logs++;
      stats.entries += et.length;
    }
    const d = firstDifference(`event log ${seed}`, et, sim.trace, observeFinal(run.final), sim.final());
    if (d) return d;
    // The engine without a trace ends in the same state.
    const quiet = replayLeadRun(rules, lead, records, { trace: false });
    const q = firstDifference(`event log ${seed} replayed without a trace`, [], [], observeFinal(quiet.final), observeFinal(run.final));
    if (q) return q;
  }
  return null;
}

/** Removes lines while the rules still check and still disagree: the minimal readable counterexample. */
function shrink(text: string, logSeed: number): { text: string; d: Disagreement } {
  let lines = text.split("\n");
  let d = compareText(text, logSeed) as Disagreement;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = lines.length - 1; i >= 0; i--) {
      if (!lines[i]!.trim()) continue;
      const tryLines = [...lines.slice(0, i), ...lines.slice(i + 1)];
      let r: ReturnType<typeof compareText>;
      try {
        r = compareText(tryLines.join("\n"), logSeed);
      } catch {
        continue;
      }
      if (r && r !== "invalid") {
        lines = tryLines;
        d = r;
        changed = true;
      }
    }
  }
  return { text: lines.join("\n"), d };
}

function show(d: Disagreement, text: string): string {
  return [
    `engine and oracle disagree at ${d.what}:`,
    `  engine: ${JSON.stringify(d.engine)}`,
    `  oracle: ${JSON.stringify(d.oracle)}`,
    ...(d.context.length ? ["  after:", ...d.context.map((c) => `    ${JSON.stringify(c)}`)] : []),
    "rules (shrunk):",
    text
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n"),
  ].join("\n");
}

export function runCase(seed: number, opts: { shrink?: boolean } = {}): CaseResult {
  const res: CaseResult = { seed, ran: false, journeys: 0, logs: 0, expectations: 0, entries: 0 };
  const { text } = generate(seed);
  let d: ReturnType<typeof compareText>;
  try {
    d = compareText(text, seed, res);
  } catch (err) {
    res.ran = true;
    res.failure = `seed ${seed}: threw ${(err as Error).stack ?? String(err)}`;
    return res;
  }
  if (d === "invalid") return res;
  res.ran = true;
  if (d) {
    const s = opts.shrink === false ? { text, d } : shrink(text, seed);
    res.failure = `seed ${seed}: ${show(s.d, s.text)}`;
  }
  return res;
}

/** The generated workspace of a seed, with its diagnostics (to see why a case did not run). */
export function caseText(seed: number): { text: string; errors: string[] } {
  const { text } = generate(seed);
  const check = checkWorkspace({ root: "/ws", files: [{ uri: URI, text }] });
  return { text, errors: check.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`) };
}
