-- Shared by window.sql and fold.sql (bench/src/sim/sql.ts runs this first): what a data team would
-- write once for the benchmark rules (bench/sim/rules.crmrules), over the event log in its own
-- shape (docs/event-log.md): columns type, lead, at (day offsets), event, fields (the lead's fields
-- as a JSON object), payload (the event's, JSON), and seq (the row's place in the file, which
-- orders a lead's records that share a minute). `{{log}}` is that relation (Parquet or JSON Lines).

-- The lead records: one per lead, with its fields (missing fields are NULL).
CREATE OR REPLACE TEMP VIEW leads AS
SELECT lead,
       fields->>'email' AS email,
       fields->>'country' AS country,
       CAST(fields->>'company_size' AS BIGINT) AS company_size,
       fields->>'industry' AS industry,
       fields->>'role' AS role
FROM {{log}}
WHERE type = 'lead';

-- score fit: attribute rules only, exact. Each rule holds only when its field is known (a NULL
-- comparison is unknown, so the rule does not apply, as in the language's three-valued logic);
-- the score is NULL (unscored) when no rule holds, else the sum within cap 50 and floor -50.
-- `lead.email.domain` is the part after the last `@`, lower-cased.
CREATE OR REPLACE TEMP VIEW lead_fit AS
SELECT lead, country, company_size, industry, role,
       CASE WHEN coalesce(role IN ('executive', 'director'), false)
              OR coalesce(company_size >= 1000, false)
              OR coalesce(company_size BETWEEN 100 AND 999, false)
              OR coalesce(role = 'student', false)
              OR coalesce(lower(regexp_extract(email, '@([^@]*)$', 1)) IN ('gmail.com', 'outlook.com', 'yahoo.com'), false)
            THEN least(50, greatest(-50,
                   (CASE WHEN role IN ('executive', 'director') THEN 20 ELSE 0 END)
                 + (CASE WHEN company_size >= 1000 THEN 15 ELSE 0 END)
                 + (CASE WHEN company_size BETWEEN 100 AND 999 THEN 5 ELSE 0 END)
                 + (CASE WHEN role = 'student' THEN -30 ELSE 0 END)
                 + (CASE WHEN lower(regexp_extract(email, '@([^@]*)$', 1)) IN ('gmail.com', 'outlook.com', 'yahoo.com') THEN -10 ELSE 0 END)))
       END AS fit
FROM leads;

-- The events that can score, as (lead, t in minutes, seq, k): k = 1 a /pricing view, 2 a /docs
-- view, 3 a webinar, 4 the contact form, 5 a demo request. Other events change nothing: the
-- stage conditions read the scores and the last demo request only, and a later event cannot make
-- `demo_requested within 14 days` hold when it did not hold at the previous one (no timers here).
CREATE OR REPLACE TEMP VIEW scoring_events AS
SELECT lead, CAST(round("at" * 1440) AS BIGINT) AS t, seq,
       CASE WHEN event = 'page_view' AND starts_with(payload->>'url', '/pricing') THEN 1
            WHEN event = 'page_view' AND starts_with(payload->>'url', '/docs') THEN 2
            WHEN event = 'webinar_attended' THEN 3
            WHEN event = 'form_submitted' AND (payload->>'form') = 'contact' THEN 4
            WHEN event = 'demo_requested' THEN 5
       END AS k
FROM {{log}}
WHERE type = 'event' AND k IS NOT NULL;

-- route inbound on stage mql: the first rule that holds, in written order (exact: lead fields do
-- not change in this log).
CREATE OR REPLACE TEMP MACRO inbound_route(country, company_size, industry, role) AS
  CASE WHEN country IN ('NO', 'SE', 'DK', 'FI', 'IS') AND company_size >= 1000 THEN 'owner kari'
       WHEN country IN ('DE', 'AT', 'CH') THEN 'owner anna'
       WHEN industry = 'finance' AND company_size >= 500 THEN 'owner ben'
       WHEN country IN ('US', 'CA', 'MX', 'BR') THEN 'owner carlos'
       WHEN role = 'student' THEN 'queue students'
       ELSE 'queue unrouted'
  END;
