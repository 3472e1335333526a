/**
 * Seeded generator of realistic `.crmrules` workspaces: one shared schema file
 * (lead fields, events, stages, owners, queues, territories, consents) and many
 * rule files that import it, each made of score, grade, team, route, action,
 * workflow and journey blocks with names unique across the workspace.
 */
import { Rng } from "../rng.js";

export interface GeneratedFile {
  uri: string;
  text: string;
}

export interface GeneratedWorkspace {
  root: string;
  files: GeneratedFile[];
  lines: number;
}

export interface WorkspaceOptions {
  seed: number;
  /** Total lines to reach (approximately, never fewer). */
  lines: number;
  /** Number of rule files (besides the schema file). */
  files: number;
  root?: string;
}

const ROLES = ["executive", "director", "manager", "individual", "student"];
const INDUSTRIES = ["saas", "manufacturing", "finance", "public_sector", "education"];
const COUNTRIES = ["NO", "SE", "DK", "FI", "IS", "DE", "AT", "CH", "FR", "NL", "US", "CA", "GB", "ES", "IT", "BR", "JP"];
const URLS = ["/pricing", "/docs", "/blog", "/careers", "/product", "/pricing/enterprise"];

export function schemaText(): string {
  return `/// The lead schema shared by every rule file.
lead {
  email: email
  country: country // ISO 3166-1 alpha-2
  company_size: number
  industry: enum(${INDUSTRIES.join(", ")})
  role: enum(${ROLES.join(", ")})
  tags: list(text)
  signup: date
}

event page_view { url: text }
event form_submitted { form: text }
event webinar_attended { topic: text }
event demo_requested {}
event inquiry {}
event purchase { amount: number }

set free_mail = ["gmail.com", "outlook.com", "yahoo.com"]
territory nordics = [NO, SE, DK, FI, IS]
territory dach = [DE, AT, CH]
territory europe = nordics + dach + [FR, NL, GB, ES, IT]

stage new initial
stage mql when page_view within 30 days
stage sql when stage == mql and demo_requested within 14 days
stage recycled detour when lead.role == student
reenter mql from recycled after 90 days

owner kari "kari@acme.example"
owner anna "anna@acme.example"
owner ben "ben@acme.example"
queue unrouted "Unrouted leads"

consent email_marketing "Email marketing" {
  in dach: double_opt_in expires after 24 months
  in europe: opt_in expires after 24 months
  in [CA]: opt_in or implied 6 months after inquiry or implied 2 years after purchase
  in [US]: opt_out
  otherwise: opt_in
}
`;
}

class Block {
  readonly out: string[] = [];
  constructor(
    readonly r: Rng,
    readonly s: string,
    /** Suffix of the last score block in the same file (journeys expect on it). */
    readonly lastScore: string | null,
  ) {}
  line(t: string): void {
    this.out.push(t);
  }
}

function cond(r: Rng): string {
  switch (r.int(0, 7)) {
    case 0:
      return `lead.role in [${r.pick(ROLES)}, ${r.pick(ROLES)}]`;
    case 1:
      return `lead.company_size >= ${r.int(1, 50) * 100}`;
    case 2:
      return `lead.industry == ${r.pick(INDUSTRIES)} and lead.company_size between ${r.int(1, 9) * 10} and ${r.int(10, 99) * 100}`;
    case 3:
      return `lead.email.domain in free_mail`;
    case 4:
      return `lead.country in nordics + dach`;
    case 5:
      return `lead.country not in [${r.pick(COUNTRIES)}, ${r.pick(COUNTRIES)}] or lead.company_size is missing`;
    case 6:
      return `not (lead.role == ${r.pick(ROLES)}) and lead.country in europe`;
    default:
      return `lead.email ends_with "@${r.pick(["acme", "globex", "initech"])}.example"`;
  }
}

function scoreBlock(b: Block): void {
  const { r, s } = b;
  b.line(`/// Fit and engagement score ${s}.`);
  b.line(`score score_${s} "Score ${s}" {`);
  b.line(`  cap ${r.int(5, 20) * 10}`);
  b.line(`  floor ${-r.int(0, 5) * 10}`);
  if (r.chance(0.5)) b.line(`  decay ${r.int(1, 5) * 10}% every ${r.int(1, 4) * 15} days`);
  const n = r.int(3, 7);
  for (let i = 0; i < n; i++) {
    const p = `${r.chance(0.8) ? "+" : "-"}${r.int(1, 8) * 5}`;
    switch (r.int(0, 4)) {
      case 0:
      case 1:
        b.line(`  rule attr_${i}: ${p} when ${cond(r)}`);
        break;
      case 2:
        b.line(`  rule visit_${i}: ${p} on page_view where url starts_with "${r.pick(URLS)}" limit ${r.int(1, 5)} per ${r.int(1, 4) * 7} days`);
        break;
      case 3:
        b.line(`  rule burst_${i}: ${p} on page_view where url contains "${r.pick(["docs", "pricing", "blog"])}" at least ${r.int(2, 5)} times within ${r.int(1, 14)} days limit 1 per 30 days`);
        break;
      default:
        b.line(`  rule quiet_${i}: -${r.int(1, 4) * 5} after ${r.int(2, 8) * 7} days without page_view or form_submitted`);
    }
  }
  b.line(`}`);
  b.line(``);
  b.line(`grade grade_${s} from score_${s} {`);
  b.line(`  A >= ${r.int(4, 5) * 10}`);
  b.line(`  B >= ${r.int(2, 3) * 10}`);
  b.line(`  C otherwise`);
  b.line(`}`);
  b.line(``);
}

function routeBlock(b: Block): void {
  const { r, s } = b;
  b.line(`owner o1_${s} "rep1.${s}@acme.example"`);
  b.line(`owner o2_${s} "rep2.${s}@acme.example"`);
  b.line(`queue q_${s} "Queue ${s}"`);
  b.line(`team t_${s} round_robin {`);
  b.line(`  member o1_${s} weight ${r.int(1, 3)}`);
  b.line(`  member o2_${s}`);
  b.line(`  cap ${r.int(5, 40)} per day`);
  b.line(`}`);
  b.line(``);
  b.line(r.chance(0.5) ? `route r_${s} on stage mql {` : `route r_${s} on form_submitted where form != "newsletter" {`);
  const n = r.int(2, 5);
  for (let i = 0; i < n; i++) {
    const target = i === 0 ? `team t_${s}` : r.pick([`owner o1_${s}`, `team t_${s}`, `queue q_${s}`, `owner kari`, `discard`]);
    const esc = target !== "discard" && r.chance(0.3) ? ` escalate after ${r.int(1, 8)} hours to queue q_${s}` : "";
    b.line(`  rule rr_${i}: when ${cond(r)} -> ${target}${esc}`);
  }
  b.line(`  otherwise -> queue unrouted`);
  b.line(`}`);
  b.line(``);
}

function workflowBlock(b: Block): void {
  const { r, s } = b;
  b.line(`action send_${s}(campaign: text) contact requires email_marketing`);
  b.line(`action notify_${s} internal`);
  b.line(``);
  b.line(`workflow w_${s} on stage ${r.pick(["mql", "sql"])} {`);
  b.line(`  do send_${s}("welcome-${s}")`);
  b.line(`  do notify_${s} when ${cond(r)}`);
  b.line(`  wait ${r.int(1, 7)} days`);
  b.line(`  do send_${s}("follow-up-${s}") unless demo_requested within ${r.int(3, 14)} days`);
  b.line(`}`);
  b.line(``);
}

function journeyBlock(b: Block): void {
  const { r, s } = b;
  b.line(`journey "journey ${s}" {`);
  b.line(
    `  lead { email: "lead.${s}@${r.pick(["fjord", "gmail", "globex"])}.example", country: ${r.pick(COUNTRIES)}, company_size: ${r.int(1, 5000)}, role: ${r.pick(ROLES)} }`,
  );
  b.line(`  seed ${r.int(0, 99)}`);
  b.line(`  day 0 consent_given { purpose: email_marketing, method: checkbox }`);
  let day = 0;
  const n = r.int(2, 6);
  for (let i = 0; i < n; i++) {
    // Each step on a later day: steps never go back in time.
    day += r.int(1, 4);
    switch (r.int(0, 3)) {
      case 0:
        b.line(`  day ${day} at ${String(r.int(8, 17)).padStart(2, "0")}:${r.pick(["00", "15", "30", "45"])} page_view { url: "${r.pick(URLS)}" }`);
        break;
      case 1:
        b.line(`  day ${day} webinar_attended { topic: "Topic ${r.int(1, 20)}" }`);
        break;
      case 2:
        b.line(`  day ${day} form_submitted { form: "${r.pick(["contact", "newsletter", "trial"])}" }`);
        break;
      default:
        b.line(`  day ${day} demo_requested`);
    }
  }
  b.line(`  expect stage >= new`);
  if (b.lastScore) {
    b.line(`  expect score score_${b.lastScore} between -100 and 1000`);
    b.line(`  expect grade grade_${b.lastScore} >= C`);
  }
  b.line(`  day ${day + 5} expect blocked none`);
  b.line(`}`);
  b.line(``);
}

/** Generates a workspace of at least `opts.lines` lines spread over `opts.files` rule files. */
export function generateWorkspace(opts: WorkspaceOptions): GeneratedWorkspace {
  const r = new Rng(opts.seed);
  const root = opts.root ?? "/bench/ws";
  const schema = schemaText();
  const files: GeneratedFile[] = [{ uri: `${root}/schema.crmrules`, text: schema }];
  let total = countLines(schema);
  const perFile = Math.max(20, Math.ceil((opts.lines - total) / opts.files));
  const kinds = [scoreBlock, routeBlock, workflowBlock, journeyBlock];
  for (let f = 0; f < opts.files; f++) {
    const dir = `area_${Math.floor(f / 50)}`;
    const lines: string[] = [`import "../schema.crmrules"`, ``];
    let k = 0;
    let lastScore: string | null = null;
    while (lines.length < perFile) {
      const b = new Block(r, `f${f}_${k}`, lastScore);
      if (k % kinds.length === 0) lastScore = `f${f}_${k}`;
      kinds[k % kinds.length]!(b);
      lines.push(...b.out);
      k++;
    }
    const text = lines.join("\n") + "\n";
    total += countLines(text);
    files.push({ uri: `${root}/${dir}/rules_${f}.crmrules`, text });
  }
  return { root, files, lines: total };
}

export function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.length > 0 && text.charCodeAt(text.length - 1) !== 10 ? n + 1 : n;
}
