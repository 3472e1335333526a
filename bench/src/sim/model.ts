/**
 * The data every simulation in the benchmark shares: leads, the event log
 * (plain objects, time-ordered) and the outcome per lead that all
 * implementations must agree on.
 */
import { Rng } from "../rng.js";

export interface SimLead {
  id: string;
  email?: string;
  country?: string;
  company_size?: number;
  industry?: string;
  role?: string;
}

export interface SimEvent {
  /** Index into the leads array. */
  lead: number;
  /** Minutes since day 0, 00:00. */
  at: number;
  name: "page_view" | "form_submitted" | "webinar_attended" | "demo_requested";
  payload: Record<string, string>;
}

export interface SimLog {
  leads: SimLead[];
  events: SimEvent[];
}

export interface Outcome {
  fit: number | null;
  engagement: number | null;
  stage: string;
  /** `owner kari`, `queue unrouted`, or null when the route never ran. */
  routedTo: string | null;
  /** The routing rule that matched (`otherwise` for the fallback). */
  routeRule: string | null;
}

const COUNTRIES = ["NO", "SE", "DK", "FI", "IS", "DE", "AT", "CH", "FR", "NL", "GB", "US", "CA", "MX", "BR", "JP", "IN", "AU"];
const ROLES = ["executive", "director", "manager", "individual", "student"];
const INDUSTRIES = ["saas", "manufacturing", "finance", "public_sector", "education"];
const DOMAINS = ["gmail.com", "Outlook.com", "yahoo.com", "fjord.example", "globex.example", "initech.example", "acme.example"];
const URLS = ["/pricing", "/pricing/enterprise", "/docs/start", "/docs/api", "/docs", "/blog/x", "/careers", "/product"];
const FORMS = ["contact", "newsletter", "trial"];

/**
 * A reproducible log: `events` events over `days` days for `leads` leads, sorted by
 * time (ties by lead). Lead fields are sometimes missing (three-valued logic
 * is exercised); emails use mixed case (email comparison ignores case).
 */
export function generateLog(opts: { seed: number; leads: number; events: number; days?: number }): SimLog {
  const r = new Rng(opts.seed);
  const days = opts.days ?? 180;
  const leads: SimLead[] = [];
  for (let i = 0; i < opts.leads; i++) {
    const l: SimLead = { id: `lead-${i}` };
    if (r.chance(0.97)) l.email = `${r.chance(0.2) ? "Person" : "person"}${i}@${r.pick(DOMAINS)}`;
    if (r.chance(0.93)) l.country = r.pick(COUNTRIES);
    if (r.chance(0.9)) l.company_size = r.chance(0.5) ? r.int(1, 999) : r.int(1000, 20000);
    if (r.chance(0.95)) l.industry = r.pick(INDUSTRIES);
    if (r.chance(0.92)) l.role = r.pick(ROLES);
    leads.push(l);
  }
  const events: SimEvent[] = [];
  const span = days * 1440;
  for (let i = 0; i < opts.events; i++) {
    // Activity comes in bursts: a lead's events cluster around a few moments.
    const lead = r.int(0, opts.leads - 1);
    const at = r.int(0, span);
    const k = r.next();
    let e: SimEvent;
    if (k < 0.72) e = { lead, at, name: "page_view", payload: { url: r.pick(URLS) } };
    else if (k < 0.85) e = { lead, at, name: "form_submitted", payload: { form: r.pick(FORMS) } };
    else if (k < 0.96) e = { lead, at, name: "webinar_attended", payload: { topic: `Topic ${r.int(1, 30)}` } };
    else e = { lead, at, name: "demo_requested", payload: {} };
    events.push(e);
    // Bursts of page views within a day (so `at least 3 times within 1 day` fires).
    if (e.name === "page_view" && r.chance(0.25)) {
      const n = r.int(1, 3);
      for (let j = 0; j < n && i + 1 < opts.events; j++, i++)
        events.push({ lead, at: Math.min(span, at + r.int(1, 600)), name: "page_view", payload: { url: r.pick(URLS) } });
    }
  }
  events.sort((a, b) => a.at - b.at || a.lead - b.lead);
  return { leads, events };
}

/** Leads whose index is below `n`, with their events (for the slower peers). */
export function subsetLog(log: SimLog, n: number): SimLog {
  return { leads: log.leads.slice(0, n), events: log.events.filter((e) => e.lead < n) };
}

export function outcomeKey(o: Outcome, withRule = true): string {
  return `${o.fit}|${o.engagement}|${o.stage}|${o.routedTo}|${withRule ? o.routeRule : ""}`;
}

/** Throws (failing the run) on the first lead whose outcomes differ. */
export function assertSameOutcomes(what: string, expected: Outcome[], actual: Outcome[], leads: SimLead[], withRule = true): void {
  if (expected.length !== actual.length) throw new Error(`${what}: ${actual.length} outcomes, expected ${expected.length}`);
  let diffs = 0;
  let first = "";
  for (let i = 0; i < expected.length; i++) {
    if (!actual[i] || outcomeKey(expected[i]!, withRule) !== outcomeKey(actual[i]!, withRule)) {
      if (!diffs) first = `lead ${leads[i]?.id}: expected ${JSON.stringify(expected[i])}, got ${JSON.stringify(actual[i])} (lead ${JSON.stringify(leads[i])})`;
      diffs++;
    }
  }
  if (diffs) throw new Error(`${what}: ${diffs} of ${expected.length} leads disagree; first: ${first}`);
}
