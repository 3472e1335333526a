/** A realistic file that uses every construct of the language (kept in sync with core/syntax/ast.ts). */
export const SAMPLE = `import "./schema.crmrules"

/// The lead schema.
lead {
  email: email
  country: country // ISO 3166-1 alpha-2
  company_size: number,
  industry: enum(saas, manufacturing, finance)
  tags: list(text);
  role: enum(executive, director, manager, student)
}

event page_view { url: text }
event demo_requested
event consent_given { purpose: text, method: enum(checkbox, inquiry) }

set free_mail = ["gmail.com", "outlook.com"]
territory nordics = [NO, SE, DK, FI, IS]
territory dach = [DE, AT, CH]
territory europe = nordics + dach

score fit "Fit" {
  cap 50
  floor -10
  rule decision_maker: +20 when lead.role in [executive, director]
  rule enterprise: +15 when lead.company_size >= 1000 and not (lead.industry == finance)
  rule free_mail_penalty: -10 when lead.email.domain in free_mail
  rule missing_size: -5 when lead.company_size is missing or lead.company_size between 1 and 9
}

score engagement "Engagement" {
  decay 25% every 30 days
  rule pricing_visit: +10 on page_view where url starts_with "/pricing" at least 3 times within 14 days limit 1 per 30 days when fit >= 10
  rule demo: +40 on demo_requested
  rule gone_quiet: -10 after 30 days without page_view or demo_requested
  rule busy: +5 when count(page_view where url contains "docs" within 7 days) > 3 * 2 - 1 / 1
}

grade fit_grade from fit {
  A >= 40
  B >= 25, C >= -5
  D otherwise
}

stage lead initial
stage mql when fit >= 20 and engagement >= 40 or on demo_requested
stage sql when stage == mql and demo_requested within 14 days and lead.country not in [US]
stage recycled detour
reenter mql from recycled after 90 days

owner kari "kari@acme.example"
owner anna
queue unrouted "Unrouted leads"
team emea_sdr round_robin {
  member anna weight 2
  member kari
  cap 25 per day
}

route inbound on stage mql {
  rule enterprise_nordics: when lead.country in nordics and lead.company_size >= 1000 -> owner kari escalate after 4 hours to queue unrouted, after 1 day to owner anna
  rule emea: when lead.country in europe -> team emea_sdr
  rule students: when lead.role == student -> discard
  otherwise -> queue unrouted
}

route forms on form_submitted where form != "newsletter" {
  otherwise -> queue unrouted
}

consent email_marketing "Email marketing" {
  in [DE, AT]: double_opt_in expires after 24 months
  in [CA]: opt_in or implied 6 months after inquiry
  otherwise: opt_in
}

action send_email(campaign: text, priority: number) contact requires email_marketing
action notify_owner internal

workflow nurture on stage mql {
  do send_email("nurture-1", 1)
  wait 3 days
  do send_email("nurture-2", -2) unless demo_requested within 7 days
  do notify_owner when lead.country == NO
}

journey "Nordic CTO converts after a webinar" {
  lead { email: "kari@fjord.example", country: NO, company_size: 1500, role: executive, signup: 2026-01-15 }
  seed 7
  day 0 consent_given { purpose: "email_marketing", method: checkbox }
  day 0 at 09:30 page_view { url: "/pricing" }
  day 5 update { company_size: 2000 }
  day 10 demo_requested
  expect stage == sql
  expect score fit == 35
  expect score engagement between 40 and 60
  expect score fit is unscored
  expect grade fit_grade == A
  expect routed to owner kari
  expect escalated to queue unrouted
  expect not routed
  expect sent send_email("nurture-1", 1)
  expect sent notify_owner
  expect not sent send_email
  expect blocked none
  day 12 expect blocked send_email
}
`;
