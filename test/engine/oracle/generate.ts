/**
 * Seeded random workspaces for the differential test: a fixed schema, then random scores (caps,
 * floors, decay, attribute/event/inactivity rules with where/at least/within/limit/per/when),
 * grades, stages (detours, re-entries with waits), owners/queues/teams (weights, caps), routes
 * (stage and event triggers, escalations), one consent purpose whose clauses use every basis, actions,
 * workflows with waits, and journeys whose steps and expectations cover every form. The rules are
 * kept legal (the checker reports no error) so that every case runs.
 */

import { Rng as SeededRng } from "../../../core/rng.js";

/** core/rng.ts's generator, with this generator's own seed mixing (so a seed gives the cases it always gave). */
export class Rng extends SeededRng {
  constructor(seed: number) {
    super((seed * 2654435761) >>> 0 || 1);
  }
}

const SCHEMA = `lead { email: email  country: country  size: number  role: enum(cto, dev, student)  tags: list(text)  vip: boolean  joined: date }
event view { url: text }
event call { outcome: enum(good, bad) }
event demo {}
event signup { email: email  plan: enum(free, pro) }
event inquiry_received {}
event purchase_completed {}
set free_mail = ["gmail.com", "outlook.com"]
territory dach = [DE, AT, CH]
territory eea = [AT, BE, BG, HR, CY, CZ, DK, EE, FI, FR, DE, GR, HU, IE, IT, LV, LT, LU, MT, NL, PL, PT, RO, SK, SI, ES, SE, IS, LI, NO]
owner o1 "o1@x.example"
owner o2 "o2@x.example"
owner o3 "o3@x.example"
queue q1 "Q1"
queue q2 "Q2"
action send(to: email) contact requires mail
action ping(what: text) contact requires mail
action note(what: text) internal
`;

export const EVENTS = ["view", "call", "demo", "signup", "inquiry_received", "purchase_completed"] as const;
const USER_EVENTS = ["view", "view", "view", "call", "call", "demo", "signup"] as const;
const DURATIONS = ["1 minute", "30 minutes", "1 hour", "2 hours", "12 hours", "1 day", "2 days", "3 days", "7 days", "1 week", "14 days", "30 days", "1 month"];
const SHORT = ["1 hour", "6 hours", "1 day", "2 days", "3 days", "7 days", "10 days"];
const URLS = ["/pricing", "/pricing/de", "/docs", "/docs/api", "/case", "/blog/de", "/p", ""];
const EMAILS = ["Kari@Fjord.example", "kari@fjord.example", "x@gmail.com", "Y@Outlook.COM", "nobody"];
const COUNTRIES = ["DE", "AT", "FR", "SE", "CA", "US", "NO", "JP", "CH"];

function leadCondition(r: Rng): string {
  return r.pick([
    "lead.size >= 1000",
    "lead.size between 100 and 999",
    "lead.size < 50",
    "lead.role == cto",
    "lead.role != dev",
    "lead.role in [cto, dev]",
    "lead.country in dach",
    "lead.country in [FR, SE] + [CA]",
    "lead.country not in eea",
    "lead.country is missing",
    "lead.email.domain in free_mail",
    "lead.email ends_with \"example\"",
    "lead.email matches \"*@*.example\"",
    "lead.email == \"KARI@fjord.example\"",
    "lead.tags contains \"vip\"",
    "\"x\" in lead.tags",
    "lead.vip",
    "not lead.vip",
    "lead.joined < 2026-01-05",
    "lead.size * 2 > 1000 or lead.role == student",
    "lead.size / 0 > 1",
    "(lead.role == cto and lead.size >= 100) or lead.country == US",
    "lead.role is present and not (lead.role == student)",
  ]);
}

function filterFor(r: Rng, event: string): string {
  switch (event) {
    case "view":
      return r.pick(['url starts_with "/pricing"', 'url contains "de"', 'url == "/docs"', 'url matches "/p*"', 'url matches "/?ocs*"', 'url ends_with "/de" and lead.country in dach', "url is missing"]);
    case "call":
      return r.pick(["outcome == good", "outcome == bad", "outcome != good"]);
    case "signup":
      return r.pick(["plan == pro", "email == lead.email", "plan == free and lead.role != student"]);
    default:
      return leadCondition(r);
  }
}

export interface Generated {
  text: string;
  /** Event names a random log may use, with payload makers. */
  scores: string[];
  stages: string[];
}

/** One rule set with journeys. */
export function generate(seed: number): Generated {
  const r = new Rng(seed);
  const out: string[] = [SCHEMA];
  const scores: string[] = [];
  const nScores = r.int(1, 3);
  const grades: { name: string; letters: string[] }[] = [];
  for (let i = 0; i < nScores; i++) {
    const name = `s${i}`;
    scores.push(name);
    const lines: string[] = [];
    const capV = r.chance(0.5) ? r.int(10, 80) : undefined;
    const floorV = r.chance(0.5) ? r.pick([-20, -5, 0, 0, 5]) : undefined;
    if (capV !== undefined) lines.push(`cap ${capV}`);
    if (floorV !== undefined && (capV === undefined || floorV <= capV)) lines.push(`floor ${floorV}`);
    if (r.chance(0.4)) lines.push(`decay ${r.pick([10, 25, 50, 100, 33])}% every ${r.pick(["12 hours", "1 day", "3 days", "7 days", "30 days"])}`);
    const nRules = r.int(1, 6);
    for (let k = 0; k < nRules; k++) {
      const pts = r.pick([1, 2, 3, 5, 10, 15, 20, 40]) * (r.chance(0.25) ? -1 : 1);
      const sign = pts > 0 ? `+${pts}` : `${pts}`;
      const kind = r.pick(["attr", "event", "event", "event", "inactivity"]);
      if (kind === "attr") lines.push(`rule r${k}: ${sign} when ${leadCondition(r)}`);
      else if (kind === "inactivity") {
        const evs = [r.pick(EVENTS)];
        if (r.chance(0.4)) evs.push(r.pick(EVENTS.filter((e) => e !== evs[0])));
        lines.push(`rule r${k}: ${sign} after ${r.pick(SHORT)} without ${evs.join(" or ")}`);
      } else {
        const ev = r.pick(USER_EVENTS);
        let t = `rule r${k}: ${sign} on ${ev}`;
        if (r.chance(0.5)) t += ` where ${filterFor(r, ev)}`;
        const atLeast = r.chance(0.3);
        if (atLeast) t += ` at least ${r.int(1, 3)} times`;
        if (r.chance(0.45)) t += ` within ${r.pick(DURATIONS)}`;
        if (r.chance(0.45)) t += ` limit ${r.int(1, 3)}${r.chance(0.7) ? ` per ${r.pick(["day", "1 hour", "2 days", "7 days"])}` : ""}`;
        if (r.chance(0.25)) {
          const other = i > 0 && r.chance(0.5) ? `s${r.int(0, i - 1)}` : name;
          t += ` when ${r.pick([`${other} >= 10`, `${other} is unscored`, `${other} < 5`, "lead.role == cto", `count(${ev}) >= 2`, "demo within 2 days", `stage >= st0`])}`;
        }
        lines.push(t);
      }
    }
    out.push(`score ${name} "Score ${i}" {\n  ${lines.join("\n  ")}\n}`);
    if (r.chance(0.5)) {
      const letters = r.chance(0.5) ? ["A", "B", "C"] : ["A", "B"];
      const mins = [r.int(20, 40), r.int(5, 19), r.int(-5, 4)];
      const entries = letters.map((l, j) => (j === letters.length - 1 && r.chance(0.6) ? `${l} otherwise` : `${l} >= ${mins[j]}`));
      out.push(`grade g${i} from ${name} { ${entries.join("  ")} }`);
      grades.push({ name: `g${i}`, letters });
    }
  }
  // Stages
  const stages: string[] = ["st0"];
  const stageLines = ["stage st0 initial"];
  const scoreCond = () => {
    const s = r.pick(scores);
    const g = grades.length && r.chance(0.3) ? r.pick(grades) : undefined;
    if (g) return `${g.name} >= ${r.pick(g.letters)}`;
    return r.pick([`${s} >= ${r.int(1, 40)}`, `${s} > 0`, `${s} is present and ${s} <= 0`, `${s} between 5 and 30`]);
  };
  const stageCond = () =>
    r.pick([
      scoreCond(),
      scoreCond(),
      `on ${r.pick(USER_EVENTS)}`,
      `count(view where url starts_with "/pricing" within ${r.pick(SHORT)}) >= 2`,
      `${r.pick(USER_EVENTS)} within ${r.pick(SHORT)}`,
      `not (view within ${r.pick(SHORT)})`,
      `${scoreCond()} or on demo`,
      `${scoreCond()} and ${leadCondition(r)}`,
      `count(call where outcome == good) >= 1`,
      `demo`,
    ]);
  const nForward = r.int(1, 4);
  for (let i = 1; i <= nForward; i++) {
    stages.push(`st${i}`);
    const cond = r.chance(0.3) ? `stage == st${i - 1} and ${stageCond()}` : stageCond();
    stageLines.push(`stage st${i} when ${cond}`);
  }
  const detours: string[] = [];
  let bouncing = false;
  const nDetours = r.int(0, 2);
  for (let i = 0; i < nDetours; i++) {
    const d = `dt${i}`;
    detours.push(d);
    stages.push(d);
    stageLines.push(`stage ${d} detour when ${r.pick([`count(call where outcome == bad within ${r.pick(SHORT)}) >= ${r.int(1, 2)}`, `${scoreCond()}`, "lead.role == student", "on call", `stage == dt0 and not call within ${r.pick(SHORT)}`])}`);
  }
  if (detours.length && r.chance(0.8)) {
    const to = `st${r.int(1, nForward)}`;
    const wait = r.chance(0.6);
    // A reenter without `after` can bounce the lead at every evaluation (detour → reenter → …, once
    // per evaluation, §7); with workflows started on stage entry whose waits are evaluations too,
    // the runs double every wait. Such workspaces get no `on stage` workflows.
    bouncing = !wait;
    stageLines.push(`reenter ${to} from ${r.pick(detours)}${wait ? ` after ${r.pick(SHORT)}` : ""}`);
  }
  out.push(stageLines.join("\n"));
  // Teams and routes
  const teamMembers = ["o1", "o2", "o3"].filter(() => r.chance(0.7));
  if (teamMembers.length === 0) teamMembers.push("o1");
  const teamParts = teamMembers.map((m) => `member ${m}${r.chance(0.5) ? ` weight ${r.int(1, 3)}` : ""}`);
  // Caps bind only when several routes (or escalations) pick from the team within a period.
  if (r.chance(0.7)) teamParts.push(`cap ${r.pick([1, 1, 2])} per ${r.pick(["day", "1 hour", "2 days", "1 week"])}`);
  out.push(`team t1${r.chance(0.5) ? " round_robin" : ""} { ${teamParts.join("  ")} }`);
  const target = () => r.pick(["owner o1", "owner o2", "team t1", "team t1", "team t1", "queue q1", "discard"]);
  const escalation = (t: string) => {
    if (t === "discard" || !r.chance(0.4)) return "";
    const steps: string[] = [];
    let h = 0;
    for (let k = r.int(1, 2); k > 0; k--) {
      h += r.pick([1, 2, 4, 24, 48]);
      steps.push(`after ${h} hours to ${r.pick(["owner o3", "queue q2", "team t1", "owner o1"])}`);
    }
    return ` escalate ${steps.join(", ")}`;
  };
  const nRoutes = r.int(1, 4);
  for (let i = 0; i < nRoutes; i++) {
    const ev = r.pick(USER_EVENTS);
    const trig = r.chance(0.6) ? `on stage ${r.pick(stages)}` : `on ${ev}${r.chance(0.5) ? ` where ${filterFor(r, ev)}` : ""}`;
    const rules: string[] = [];
    for (let k = r.int(0, 3); k > 0; k--) {
      const t = target();
      rules.push(`rule k${k}: when ${r.chance(0.3) ? scoreCond() : leadCondition(r)} -> ${t}${escalation(t)}`);
    }
    if (r.chance(0.7) || rules.length === 0) {
      const t = target();
      rules.push(`otherwise -> ${t}${escalation(t)}`);
    }
    out.push(`route rt${i} ${trig} {\n  ${rules.join("\n  ")}\n}`);
  }
  // Consent: every basis, legal for DE/AT (double opt-in), EU/EEA (opt-in) and CA (CASL limits).
  const clauses: string[] = [];
  clauses.push(`in [DE, AT]: double_opt_in${r.chance(0.3) ? ` expires after ${r.pick(SHORT)}` : ""}${r.chance(0.3) ? " or implied 2 days after double_opt_in" : ""}`);
  clauses.push(`in eea: ${r.pick(["opt_in", "double_opt_in", `opt_in expires after ${r.pick(SHORT)}`, "opt_in or double_opt_in expires after 3 days", "implied 7 days after checkbox"])}`);
  clauses.push(
    `in [CA]: ${r.pick([
      "opt_in or implied 6 months after inquiry_received or implied 2 years after purchase_completed",
      "implied 3 days after inquiry",
      "implied 10 days after purchase or opt_in expires after 7 days",
      "double_opt_in or implied 1 day after inquiry_received",
    ])}`,
  );
  if (r.chance(0.7)) clauses.push(`in [US]: ${r.pick(["opt_out", "opt_in", "opt_out or opt_in"])}`);
  if (r.chance(0.8)) clauses.push(`otherwise: ${r.pick(["opt_in", "opt_out", "double_opt_in", "implied 2 days after signup"])}`);
  out.push(`consent mail "Mail" {\n  ${clauses.join("\n  ")}\n}`);
  // Workflows
  const nWf = r.int(1, 3);
  for (let i = 0; i < nWf; i++) {
    const trig = !bouncing && r.chance(0.5) ? `on stage ${r.pick(stages)}` : `on ${r.pick([...USER_EVENTS, "consent_given", "sales_activity"])}`;
    const steps: string[] = [];
    for (let k = r.int(1, 4); k > 0; k--) {
      const c = r.chance(0.3) ? ` ${r.pick(["when", "unless"])} ${r.pick([leadCondition(r), scoreCond(), "demo", "on view", `${r.pick(scores)} is unscored`])}` : "";
      steps.push(
        r.pick([
          `do send(lead.email)${c}`,
          `do ping("hello")${c}`,
          `do note("n${k}")${c}`,
          `wait ${r.pick(SHORT)}`,
          `do ping("x")`,
        ]),
      );
    }
    out.push(`workflow wf${i} ${trig} {\n  ${steps.join("\n  ")}\n}`);
  }
  // Journeys
  const nJourneys = r.int(1, 3);
  for (let j = 0; j < nJourneys; j++) out.push(journey(r, j, scores, grades, stages));
  // Half the workspaces also get a journey with several leads (§11), from a random stream of its
  // own, so that every other part of the workspace is the same as without it.
  const m = new Rng(seed ^ 0x2c1b3c6d);
  if (m.chance(0.5)) {
    const leads = ["ana", "ben", "cai", "dag", "eva"].slice(0, m.int(2, 5));
    out.push(journey(m, nJourneys, scores, grades, stages, leads));
  }
  return { text: out.join("\n") + "\n", scores, stages };
}

function value(r: Rng, field: string): string | undefined {
  switch (field) {
    case "email":
      return JSON.stringify(r.pick(EMAILS));
    case "country":
      return r.pick(COUNTRIES);
    case "size":
      return String(r.pick([0, 10, 50, 120, 999, 1000, 5000, -5]));
    case "role":
      return r.pick(["cto", "dev", "student"]);
    case "tags":
      return r.pick(['["vip"]', '["x", "y"]', "[]"]);
    case "vip":
      return r.pick(["true", "false"]);
    case "joined":
      return r.pick(["2026-01-01", "2026-01-09"]);
  }
  return undefined;
}
const FIELDS = ["email", "country", "size", "role", "tags", "vip", "joined"];

export function payload(r: Rng, event: string): string {
  const parts: string[] = [];
  const maybe = (k: string, v: string) => {
    if (r.chance(0.9)) parts.push(`${k}: ${v}`);
  };
  switch (event) {
    case "view":
      maybe("url", JSON.stringify(r.pick(URLS)));
      break;
    case "call":
      maybe("outcome", r.pick(["good", "bad"]));
      break;
    case "signup":
      maybe("email", JSON.stringify(r.pick(EMAILS)));
      maybe("plan", r.pick(["free", "pro"]));
      break;
    case "consent_given":
      parts.push("purpose: mail");
      if (r.chance(0.85)) parts.push(`method: ${r.pick(["checkbox", "double_opt_in", "double_opt_in", "purchase", "inquiry"])}`);
      break;
    case "consent_withdrawn":
      parts.push("purpose: mail");
      break;
    case "sales_activity":
      parts.push('kind: "call"');
      break;
  }
  return parts.length ? ` { ${parts.join(", ")} }` : "";
}

/** A journey; with `leads`, a journey with several leads whose every step names one of them (`ana: view`). */
function journey(r: Rng, j: number, scores: string[], grades: { name: string; letters: string[] }[], stages: string[], leads?: string[]): string {
  const lines: string[] = [];
  const fields = () => FIELDS.filter(() => r.chance(0.75)).map((f) => `${f}: ${value(r, f)}`);
  if (leads) for (const name of leads) lines.push(`lead ${name} { ${fields().join(", ")} }`);
  else lines.push(`lead { ${fields().join(", ")} }`);
  const who = () => (leads ? `${r.pick(leads)}: ` : "");
  if (r.chance(0.6)) lines.push(`seed ${r.int(0, 7)}`);
  // Consent or an implied-consent anchor at the start, so that sends are decided by every basis.
  if (r.chance(0.5)) lines.push(`${who()}consent_given${payload(r, "consent_given")}`);
  if (r.chance(0.25)) lines.push(`${who()}${r.pick(["inquiry_received", "purchase_completed", `signup${payload(r, "signup")}`])}`);
  let day = 0;
  let minute = 0;
  const n = r.int(3, 30);
  for (let i = 0; i < n; i++) {
    let time = "";
    if (r.chance(0.7)) {
      const gap = r.pick([0, 0, 0, 1, 1, 2, 3, 7, 14, 30]);
      day += gap;
      // Never back in time (CR3017): the same day moves the time of day forward or keeps it.
      minute = gap === 0 ? Math.min(1439, minute + r.pick([0, 0, 1, 60, 120, 600])) : r.chance(0.5) ? 0 : r.int(0, 1439);
      time = minute ? `day ${day} at ${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, "0")} ` : `day ${day} `;
    }
    time += who();
    const k = r.next();
    if (k < 0.5) {
      let ev: string = r.pick([...USER_EVENTS, ...USER_EVENTS, "inquiry_received", "purchase_completed", "consent_given", "consent_given", "consent_withdrawn", "unsubscribed", "sales_activity", "sales_activity", "erasure_requested"]);
      // Erasure ends every later send: rarer (a step is never dropped: its time is already taken).
      if (ev === "erasure_requested" && r.chance(0.7)) ev = "view";
      lines.push(`${time}${ev}${payload(r, ev)}`);
    } else if (k < 0.62) {
      const f = r.pick(FIELDS);
      lines.push(`${time}update { ${f}: ${value(r, f)} }`);
    } else {
      lines.push(`${time}expect ${expectation(r, scores, grades, stages, day)}`);
    }
  }
  return `journey "${leads ? "m" : "j"}${j}" {\n  ${lines.join("\n  ")}\n}`;
}

function expectation(r: Rng, scores: string[], grades: { name: string; letters: string[] }[], stages: string[], day: number): string {
  const op = () => r.pick(["==", "!=", "<", "<=", ">", ">="]);
  const tgt = () => r.pick(["owner o1", "owner o2", "owner o3", "team t1", "queue q1", "queue q2", "discard"]);
  const call = () => r.pick(["send", 'send("kari@fjord.example")', 'send("KARI@FJORD.example")', "ping", 'ping("hello")', 'note("n1")', "note"]);
  switch (r.int(0, 9)) {
    case 0:
      return `stage ${op()} ${r.pick(stages)}`;
    case 1: {
      // A moment at or before now (the expectation's own time): day 0, or earlier in the journey.
      const at = () => `at day ${r.int(0, Math.max(0, day - 1))}${r.chance(0.3) ? ` at ${r.int(0, 23)}:${r.pick(["00", "30"])}` : ""}`;
      const k = r.int(0, 3);
      if (k === 1 && day > 0) return `score ${r.pick(scores)} ${at()} ${op()} ${r.int(-10, 60)}`;
      if (k === 2 && day > 0) return `score ${r.pick(scores)} ${op()} ${at()}`;
      if (k === 3 && day > 0) return `score ${r.pick(scores)} ${at()} ${op()} ${at()}`;
      return `score ${r.pick(scores)} ${op()} ${r.int(-10, 60)}`;
    }
    case 2:
      return r.chance(0.5) ? `score ${r.pick(scores)} between ${r.int(-5, 10)} and ${r.int(10, 60)}` : `score ${r.pick(scores)} is unscored`;
    case 3:
      if (grades.length) {
        const g = r.pick(grades);
        return `grade ${g.name} ${op()} ${r.pick(g.letters)}`;
      }
      return `stage == ${r.pick(stages)}`;
    case 4:
      return `routed to ${tgt()}`;
    case 5:
      return r.pick(["not routed", `escalated to ${tgt()}`, "not escalated", `not escalated to ${tgt()}`]);
    case 6:
      return `sent ${call()}${r.chance(0.3) ? ` ${r.int(0, 3)} times` : ""}`;
    case 7:
      return `blocked ${call()}${r.chance(0.3) ? ` ${r.int(0, 3)} times` : ""}`;
    case 8:
      return r.chance(0.5) ? `not sent ${call()}` : `not blocked ${call()}`;
    default:
      return r.pick(["sent none", "blocked none"]);
  }
}

/** A random event log for one lead: records in time order (minutes), with raw JSON values. */
export interface LogStep {
  at: number;
  kind: "event" | "update";
  name: string;
  values: Record<string, string | number | boolean | null | string[]>;
}

export function randomLog(seed: number): { lead: Record<string, unknown>; steps: LogStep[] } {
  const r = new Rng(seed ^ 0x5bd1e995);
  const raw = (f: string): string | number | boolean | string[] => {
    switch (f) {
      case "email":
        return r.pick(EMAILS);
      case "country":
        return r.pick(COUNTRIES);
      case "size":
        return r.pick([0, 10, 50, 120, 999, 1000, 5000, -5]);
      case "role":
        return r.pick(["cto", "dev", "student"]);
      case "tags":
        return r.pick([["vip"], ["x", "y"], []]);
      case "vip":
        return r.chance(0.5);
      default:
        return r.pick(["2026-01-01", "2026-01-09"]);
    }
  };
  const lead: Record<string, unknown> = {};
  for (const f of FIELDS) if (r.chance(0.7)) lead[f] = raw(f);
  const steps: LogStep[] = [];
  let t = 0;
  for (let i = r.int(1, 40); i > 0; i--) {
    t += r.pick([0, 0, 1, 59, 60, 61, 720, 1439, 1440, 1441, 2880, 4320, 10080, r.int(0, 20000)]);
    if (r.chance(0.15)) {
      const f = r.pick(FIELDS);
      steps.push({ at: t, kind: "update", name: "update", values: { [f]: r.chance(0.1) ? null : raw(f) } });
      continue;
    }
    const ev = r.pick([...USER_EVENTS, ...USER_EVENTS, "inquiry_received", "purchase_completed", "consent_given", "consent_given", "consent_withdrawn", "unsubscribed", "sales_activity", "erasure_requested"]);
    if (ev === "erasure_requested" && r.chance(0.7)) continue;
    const values: LogStep["values"] = {};
    if (ev === "view" && r.chance(0.9)) values["url"] = r.pick(URLS);
    if (ev === "call" && r.chance(0.9)) values["outcome"] = r.pick(["good", "bad"]);
    if (ev === "signup") {
      if (r.chance(0.9)) values["email"] = r.pick(EMAILS);
      if (r.chance(0.9)) values["plan"] = r.pick(["free", "pro"]);
    }
    if (ev === "consent_given" || ev === "consent_withdrawn") values["purpose"] = "mail";
    if (ev === "consent_given" && r.chance(0.85)) values["method"] = r.pick(["checkbox", "double_opt_in", "import", "purchase", "inquiry"]);
    if (ev === "sales_activity") values["kind"] = "call";
    steps.push({ at: t, kind: "event", name: ev, values });
  }
  return { lead, steps };
}
