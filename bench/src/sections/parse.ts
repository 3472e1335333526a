import type { Section } from "../section.js";
import { parseBench, GROUP } from "../parseBench.js";

export const parseSection: Section = {
  id: "parse",
  group: GROUP,
  intro:
    "A generated workspace of about 100,000 lines: one schema file (lead fields, events, sets and territories, stages, owners, consent) and 400 rule files importing it, each made of scores with attribute, event, windowed and inactivity rules, grades, teams, routes with escalations, contact and internal actions, workflows and journeys with expectations (bench/src/gen/workspace.ts). The generator is checked to produce no syntax errors. Figures are taken with `NODE_ENV=production`, so Chevrotain's grammar validations are skipped as in the shipped build.",
  run: (ctx) => parseBench(ctx.opt, ctx.quick ? 2 : 5),
};
