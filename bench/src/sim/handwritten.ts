/**
 * Baseline (a), "the limit": the rules of bench/sim/rules.crmrules written by
 * hand as plain TypeScript over the same event objects: no interpretation, no
 * trace, typed arrays for per-lead state. This is roughly the fastest a
 * general engine could hope to be on these rules.
 */
import type { Outcome, SimLead, SimLog } from "./model.js";

const NORDICS = new Set(["NO", "SE", "DK", "FI", "IS"]);
const DACH = new Set(["DE", "AT", "CH"]);
const AMERICAS = new Set(["US", "CA", "MX", "BR"]);
const FREE_MAIL = new Set(["gmail.com", "outlook.com", "yahoo.com"]);
const DAY = 1440;
const WEEK = 7 * DAY;

export const STAGES = ["new", "mql", "sql"] as const;

/** `lead.email.domain`: the part after `@`, lowercased; undefined when there is no email. */
export function emailDomain(email: string | undefined): string | undefined {
  if (email === undefined) return undefined;
  const at = email.lastIndexOf("@");
  return at < 0 ? undefined : email.slice(at + 1).toLowerCase();
}

/** Score `fit`: attribute rules only (lead fields do not change in the log). Null when no rule holds. */
export function fitOf(l: SimLead): number | null {
  let sum = 0;
  let any = false;
  if (l.role === "executive" || l.role === "director") (sum += 20), (any = true);
  if (l.company_size !== undefined && l.company_size >= 1000) (sum += 15), (any = true);
  if (l.company_size !== undefined && l.company_size >= 100 && l.company_size <= 999) (sum += 5), (any = true);
  if (l.role === "student") (sum -= 30), (any = true);
  const d = emailDomain(l.email);
  if (d !== undefined && FREE_MAIL.has(d)) (sum -= 10), (any = true);
  return any ? Math.max(-50, Math.min(50, sum)) : null;
}

/** Route `inbound`: first matching rule in written order. */
export function routeOf(l: SimLead): { rule: string; target: string } {
  const c = l.country;
  const size = l.company_size;
  if (c !== undefined && NORDICS.has(c) && size !== undefined && size >= 1000) return { rule: "enterprise_nordics", target: "owner kari" };
  if (c !== undefined && DACH.has(c)) return { rule: "dach", target: "owner anna" };
  if (l.industry === "finance" && size !== undefined && size >= 500) return { rule: "finance_enterprise", target: "owner ben" };
  if (c !== undefined && AMERICAS.has(c)) return { rule: "americas", target: "owner carlos" };
  if (l.role === "student") return { rule: "students", target: "queue students" };
  return { rule: "otherwise", target: "queue unrouted" };
}

export function runHandwritten(log: SimLog): Outcome[] {
  const n = log.leads.length;
  const fit = log.leads.map(fitOf);
  const eng = new Float64Array(n);
  const engScored = new Uint8Array(n);
  const stage = new Uint8Array(n);
  const lastDemo = new Float64Array(n).fill(-Infinity);
  // pricing: limit 3 per 7 days → the last 3 firing times (ring buffer).
  const pricingFirings = new Float64Array(n * 3).fill(-Infinity);
  const pricingNext = new Uint8Array(n);
  // docs_binge: /docs views in the last day (per lead, small arrays) and the last firing.
  const docsViews: (number[] | undefined)[] = new Array(n);
  const docsLastFiring = new Float64Array(n).fill(-Infinity);
  const routed: ({ rule: string; target: string } | undefined)[] = new Array(n);

  const add = (i: number, p: number) => {
    const v = engScored[i] ? eng[i]! : 0;
    eng[i] = Math.max(0, Math.min(100, v + p));
    engScored[i] = 1;
  };

  for (const e of log.events) {
    const i = e.lead;
    const at = e.at;
    switch (e.name) {
      case "page_view": {
        const url = e.payload["url"]!;
        if (url.startsWith("/pricing")) {
          const base = i * 3;
          let inWindow = 0;
          for (let k = 0; k < 3; k++) if (pricingFirings[base + k]! >= at - WEEK) inWindow++;
          if (inWindow < 3) {
            add(i, 10);
            pricingFirings[base + pricingNext[i]!] = at;
            pricingNext[i] = (pricingNext[i]! + 1) % 3;
          }
        } else if (url.startsWith("/docs")) {
          let views = docsViews[i];
          if (!views) views = docsViews[i] = [];
          views.push(at);
          let drop = 0;
          while (views[drop]! < at - DAY) drop++;
          if (drop) views.splice(0, drop);
          if (views.length >= 3 && docsLastFiring[i]! < at - WEEK) {
            add(i, 5);
            docsLastFiring[i] = at;
          }
        }
        break;
      }
      case "webinar_attended":
        add(i, 15);
        break;
      case "form_submitted":
        if (e.payload["form"] === "contact") add(i, 25);
        break;
      case "demo_requested":
        add(i, 40);
        lastDemo[i] = at;
        break;
    }
    // Stages: furthest eligible, forward only, until stable.
    if (stage[i] === 0) {
      const f = fit[i];
      if (f !== null && f !== undefined && f >= 20 && engScored[i] && eng[i]! >= 40) {
        stage[i] = 1;
        routed[i] = routeOf(log.leads[i]!);
      }
    }
    if (stage[i] === 1 && lastDemo[i]! >= at - 2 * WEEK) stage[i] = 2;
  }

  const out: Outcome[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = routed[i];
    out[i] = { fit: fit[i]!, engagement: engScored[i] ? eng[i]! : null, stage: STAGES[stage[i]!]!, routedTo: r?.target ?? null, routeRule: r?.rule ?? null };
  }
  return out;
}
