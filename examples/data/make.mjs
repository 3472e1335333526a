// Writes the example exports of examples/data (docs/data.md, "The examples"): made-up leads of
// examples/acme in three shapes a rev-ops team has: a HubSpot contacts export (CSV), a Salesforce
// lead report with its activities (CSV) and a Segment tracks table with identifies (Parquet).
// Deterministic: the same files every run. A few values are wrong on purpose (a lower-case country,
// a country name the mapping does not know, a number written with a comma, an unknown event), so
// that `crmrules validate` has something to show. Run: node examples/data/make.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";

const here = dirname(fileURLToPath(import.meta.url));
let seed = 14;
const r = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(r() * xs.length)];
const COUNTRIES = [["Norway", "NO"], ["Sweden", "SE"], ["Germany", "DE"], ["Austria", "AT"], ["France", "FR"], ["United Kingdom", "GB"], ["United States", "US"], ["Canada", "CA"], ["Japan", "JP"]];
const ROLES = [["Chief Executive Officer", "ceo"], ["CFO", "cfo"], ["Head of Sales", "head_of_sales"], ["Production Manager", "production"], ["Engineer", "engineer"], ["Student", "student"]];
const NAMES = ["Kari", "Lars", "Anna", "Ben", "Sofia", "Marco", "Dana", "Kenji", "Lucia", "Ingrid"];
const DOMAINS = ["fjord-marine.example", "hafen-werft.example", "halifax-yachts.example", "gmail.com", "seto-marine.example"];
const csvCell = (v) => (v === null || v === undefined ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const csv = (header, rows) => [header.join(","), ...rows.map((row) => row.map(csvCell).join(","))].join("\n") + "\n";
const day = (d, minutes) => new Date(Date.UTC(2026, 0, 5 + d, 8, 0) + minutes * 60000);
const pad = (n) => String(n).padStart(2, "0");

function people(n, prefix) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const [countryName, code] = pick(COUNTRIES);
    const [title, role] = pick(ROLES);
    const name = pick(NAMES);
    out.push({ id: `${prefix}${1001 + i}`, name, email: `${name.toLowerCase()}.${i}@${pick(DOMAINS)}`, countryName, code, title, role, size: Math.floor(Math.exp(r() * 8)), created: day(Math.floor(r() * 30), Math.floor(r() * 600)), consent: r() < 0.7 ? (code === "DE" || code === "AT" ? (r() < 0.6 ? "Double opt-in" : "Checkbox") : "Checkbox") : null });
  }
  return out;
}

// HubSpot: one contacts export; consent as columns; `Create Date` as HubSpot writes it.
{
  const ps = people(60, "");
  const rows = ps.map((p, i) => {
    let country = p.countryName;
    if (i === 3) country = "de"; // a code in lower case: reported, never used
    if (i === 7) country = "Deutschland"; // a name the mapping does not map: reported
    const created = `${p.created.getUTCFullYear()}-${pad(p.created.getUTCMonth() + 1)}-${pad(p.created.getUTCDate())} ${pad(p.created.getUTCHours())}:${pad(p.created.getUTCMinutes())}`;
    const size = i === 11 ? "5,000" : String(p.size); // a number with a thousands separator: reported
    const consentAt = p.consent ? new Date(p.created.getTime() + 3600000).toISOString() : "";
    return [p.id, p.name, p.email, country, p.title, size, "Boatyard", created, p.consent ? "Yes" : "No", p.consent ?? "", consentAt];
  });
  mkdirSync(join(here, "hubspot"), { recursive: true });
  writeFileSync(join(here, "hubspot/contacts.csv"), csv(["Record ID", "First Name", "Email", "Country/Region", "Job Title", "Number of Employees", "Industry", "Create Date", "Marketing Consent", "Consent Method", "Consent Date"], rows));
}

// Salesforce: a lead report (US dates) and an activity report.
{
  const ps = people(50, "00Q5g0000");
  const leads = ps.map((p) => [p.id, p.name, p.email, p.code, pick(["Web", "Trade Fair", "Partner"]), String(p.size), p.title, `${p.created.getUTCMonth() + 1}/${p.created.getUTCDate()}/${p.created.getUTCFullYear()}`, p.consent ? "true" : "false"]);
  const acts = [];
  for (const p of ps) {
    let t = p.created.getTime();
    for (let k = 0, n = 1 + Math.floor(r() * 5); k < n; k++) {
      t += Math.floor(r() * 6 * 86400000);
      const d = new Date(t);
      acts.push([p.id, pick(["Webinar", "Downloaded spec sheet", "Demo request", "Call"]), `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`]);
    }
  }
  acts.push(["00Q5g0000999", "Call", "2/1/2026 10:00"]); // an activity of a lead the report does not have
  mkdirSync(join(here, "salesforce"), { recursive: true });
  writeFileSync(join(here, "salesforce/leads.csv"), csv(["Lead ID", "First Name", "Email", "Country", "Lead Source", "No. of Employees", "Title", "Created Date", "Email Opt In"], leads));
  writeFileSync(join(here, "salesforce/activities.csv"), csv(["Lead ID", "Subject", "Date"], acts));
}

// Segment: identifies (traits) and tracks (events with JSON properties), as Parquet.
{
  const ps = people(80, "usr_");
  const identifies = ps.map((p) => ({ user_id: p.id, timestamp: p.created.toISOString(), email: p.email, country: p.code, title: p.role, employees: p.size }));
  const tracks = [];
  for (const p of ps) {
    let t = p.created.getTime() + 60000;
    if (p.consent) tracks.push({ user_id: p.id, event: "Consent Given", timestamp: new Date(t).toISOString(), properties: JSON.stringify({ purpose: "email_marketing", method: p.consent === "Double opt-in" ? "double_opt_in" : "checkbox" }) });
    for (let k = 0, n = 2 + Math.floor(r() * 8); k < n; k++) {
      t += Math.floor(r() * 4 * 86400000);
      const u = r();
      const e =
        u < 0.45 ? { event: "Page Viewed", properties: { url: pick(["/pricing", "/products/radar", "/blog/autopilots", "/webinar"]) } }
        : u < 0.75 ? { event: "Content Downloaded", properties: { asset: pick(["white_paper", "fair_video", "digital_guide", "spec_template"]) } }
        : u < 0.85 ? { event: "Demo Requested", properties: {} }
        : u < 0.97 ? { event: "Email Clicked", properties: { campaign: pick(["autumn-fair", "nurture-1"]) } }
        : { event: "Cart Viewed", properties: {} }; // an event the schema does not have
      tracks.push({ user_id: p.id, event: e.event, timestamp: new Date(t).toISOString(), properties: JSON.stringify(e.properties) });
    }
  }
  mkdirSync(join(here, "segment"), { recursive: true });
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run("SET TimeZone = 'UTC'");
  const values = (rows, cols) => rows.map((row) => `(${cols.map(([k, t]) => (row[k] === null ? "NULL" : t === "num" ? row[k] : `'${String(row[k]).replace(/'/g, "''")}'`)).join(", ")})`).join(",\n");
  await c.run(`COPY (SELECT user_id, timestamp::TIMESTAMPTZ AS timestamp, email, country, title, employees::INTEGER AS employees FROM (VALUES ${values(identifies, [["user_id"], ["timestamp"], ["email"], ["country"], ["title"], ["employees", "num"]])}) AS t(user_id, timestamp, email, country, title, employees) ORDER BY timestamp) TO '${join(here, "segment/identifies.parquet")}'`);
  await c.run(`COPY (SELECT user_id, event, timestamp::TIMESTAMPTZ AS timestamp, properties::JSON AS properties FROM (VALUES ${values(tracks, [["user_id"], ["event"], ["timestamp"], ["properties"]])}) AS t(user_id, event, timestamp, properties) ORDER BY timestamp) TO '${join(here, "segment/tracks.parquet")}'`);
  c.closeSync();
  db.closeSync();
}
