-- The benchmark rules (bench/sim/rules.crmrules) as an EXACT per-lead fold: each lead's scoring
-- events in order (`list(… ORDER BY t, seq)`), folded with `list_reduce` over a state struct that
-- holds what the rules remember, the event rules, cap and floor applied at every step, and the
-- stages checked after every event, as the engine does (language §14). list_reduce expresses it:
-- no recursive CTE is needed. Run after common.sql. The result: one row per lead (lead, fit,
-- engagement, stage, routed_to).
--
-- The state (`acc`): eng and scored (the engagement and whether any rule fired: an unscored score
-- is NULL), stage (0 new, 1 mql, 2 sql), demo (the last demo request), f1 ≥ f2 ≥ f3 (the last
-- three firings of `pricing`, for `limit 3 per 7 days`), d1 ≥ d2 (the last two /docs views, for
-- `at least 3 times within 1 day`), dl (the last firing of `docs_binge`, for `limit 1 per 7 days`),
-- fitok (fit >= 20, a constant of the lead). Times are minutes; -1000000000 is "never".

-- pricing fires unless 3 of its firings fell in the 7 days before (the oldest of the last three).
CREATE OR REPLACE TEMP MACRO pricing_fires(acc, x) AS x.k = 1 AND acc.f3 < x.t - 10080;
-- docs_binge fires on the 3rd /docs view within a day, at most once per 7 days.
CREATE OR REPLACE TEMP MACRO docs_fires(acc, x) AS x.k = 2 AND acc.d2 >= x.t - 1440 AND acc.dl < x.t - 10080;
CREATE OR REPLACE TEMP MACRO points(acc, x) AS
  CASE x.k WHEN 1 THEN CASE WHEN pricing_fires(acc, x) THEN 10 ELSE 0 END
           WHEN 2 THEN CASE WHEN docs_fires(acc, x) THEN 5 ELSE 0 END
           WHEN 3 THEN 15 WHEN 4 THEN 25 ELSE 40 END;
-- cap 100 and floor 0 after every step.
CREATE OR REPLACE TEMP MACRO eng_after(acc, x) AS CASE WHEN points(acc, x) > 0 THEN least(100, greatest(0, acc.eng + points(acc, x))) ELSE acc.eng END;
CREATE OR REPLACE TEMP MACRO scored_after(acc, x) AS acc.scored OR points(acc, x) > 0;
CREATE OR REPLACE TEMP MACRO demo_after(acc, x) AS CASE WHEN x.k = 5 THEN x.t ELSE acc.demo END;
-- stage mql when fit >= 20 and engagement >= 40 (from new), then sql when stage == mql and
-- demo_requested within 14 days, both checked after this event.
CREATE OR REPLACE TEMP MACRO mql_after(acc, x) AS CASE WHEN acc.stage = 0 AND acc.fitok AND scored_after(acc, x) AND eng_after(acc, x) >= 40 THEN 1 ELSE acc.stage END;
CREATE OR REPLACE TEMP MACRO step(acc, x) AS {
  'eng': eng_after(acc, x),
  'scored': scored_after(acc, x),
  'stage': CASE WHEN mql_after(acc, x) = 1 AND demo_after(acc, x) >= x.t - 20160 THEN 2 ELSE mql_after(acc, x) END,
  'demo': demo_after(acc, x),
  'f1': CASE WHEN pricing_fires(acc, x) THEN x.t ELSE acc.f1 END,
  'f2': CASE WHEN pricing_fires(acc, x) THEN acc.f1 ELSE acc.f2 END,
  'f3': CASE WHEN pricing_fires(acc, x) THEN acc.f2 ELSE acc.f3 END,
  'd1': CASE WHEN x.k = 2 THEN x.t ELSE acc.d1 END,
  'd2': CASE WHEN x.k = 2 THEN acc.d1 ELSE acc.d2 END,
  'dl': CASE WHEN docs_fires(acc, x) THEN x.t ELSE acc.dl END,
  'fitok': acc.fitok
};

WITH
histories AS (
  SELECT lead, list({'t': t, 'k': k} ORDER BY t, seq) AS events
  FROM scoring_events
  GROUP BY lead
),
folded AS (
  SELECT f.lead, f.fit, f.country, f.company_size, f.industry, f.role,
         list_reduce(coalesce(h.events, []::STRUCT(t BIGINT, k INTEGER)[]), lambda acc, x: step(acc, x),
           {'eng': 0::INTEGER, 'scored': false, 'stage': 0::INTEGER, 'demo': -1000000000::BIGINT,
            'f1': -1000000000::BIGINT, 'f2': -1000000000::BIGINT, 'f3': -1000000000::BIGINT,
            'd1': -1000000000::BIGINT, 'd2': -1000000000::BIGINT, 'dl': -1000000000::BIGINT,
            'fitok': coalesce(f.fit >= 20, false)}) AS s
  FROM lead_fit f LEFT JOIN histories h USING (lead)
)
SELECT lead,
       fit,
       CASE WHEN s.scored THEN s.eng END AS engagement,
       ['new', 'mql', 'sql'][s.stage + 1] AS stage,
       CASE WHEN s.stage >= 1 THEN inbound_route(country, company_size, industry, role) END AS routed_to
FROM folded
ORDER BY lead;
