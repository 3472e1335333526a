/**
 * `compile(check, fromUri)` (docs/language.md §4–§10): the declarations visible from a file,
 * compiled once into plain data and closures (`compiled.ts`), one file per part of the spec:
 * the schema and conditions (`compileContext.ts`), scores and grades (`compileScores.ts`), stages
 * (`compileStages.ts`), routing (`compileRouting.ts`), consent and actions (`compileConsent.ts`),
 * workflows (`compileWorkflows.ts`). Broken or incomplete declarations (the checker reports them)
 * are skipped and listed in `problems`.
 */
import type { WorkspaceCheck } from "../workspace.js";
import { scoreOrder, type CAction, type CConsent, type CGrade, type CReenter, type CRoute, type CScore, type CTeam, type CWorkflow, type CompiledRules } from "./compiled.js";
import { compileContext } from "./compileContext.js";
import { compileGrade, compileScore } from "./compileScores.js";
import { compileReenter, compileStages } from "./compileStages.js";
import { compileRoute, compileTeam } from "./compileRouting.js";
import { compileAction, compileConsent } from "./compileConsent.js";
import { compileWorkflow } from "./compileWorkflows.js";

export type * from "./compiled.js";
export { scoreOrder } from "./compiled.js";

export function compile(check: WorkspaceCheck, fromUri: string): CompiledRules {
  const cx = compileContext(check, fromUri);
  const { src } = cx;
  const scores: CScore[] = [];
  const grades: CGrade[] = [];
  const { stages, initialStage } = compileStages(cx);
  const reenters: CReenter[] = [];
  const owners: CompiledRules["owners"] = new Map();
  const queues: CompiledRules["queues"] = new Map();
  const teams = new Map<string, CTeam>();
  const routes: CRoute[] = [];
  const consents = new Map<string, CConsent>();
  const actions = new Map<string, CAction>();
  const workflows: CWorkflow[] = [];
  const journeys: CompiledRules["journeys"] = [];
  const add = <T>(list: T[], x: T | null) => void (x && list.push(x));
  const put = <T extends { name: string }>(map: Map<string, T>, x: T | null) => void (x && map.set(x.name, x));

  for (const { uri, d } of cx.decls) {
    switch (d.kind) {
      case "Score":
        add(scores, compileScore(cx, uri, d));
        break;
      case "Grade":
        add(grades, compileGrade(cx, uri, d));
        break;
      case "Reenter":
        add(reenters, compileReenter(cx, uri, d));
        break;
      case "Owner":
        if (d.name) owners.set(d.name.text, { name: d.name.text, email: d.email?.value ?? null, source: src(uri, d) });
        break;
      case "Queue":
        if (d.name) queues.set(d.name.text, { name: d.name.text, label: d.label?.value ?? null, source: src(uri, d) });
        break;
      case "Team":
        put(teams, compileTeam(cx, uri, d));
        break;
      case "Route":
        add(routes, compileRoute(cx, uri, d));
        break;
      case "Consent":
        put(consents, compileConsent(cx, uri, d));
        break;
      case "Action":
        put(actions, compileAction(cx, uri, d));
        break;
      case "Workflow":
        add(workflows, compileWorkflow(cx, uri, d));
        break;
      case "Journey":
        journeys.push({ uri, journey: d });
        break;
      default:
        break;
    }
  }

  const order = new Map(scoreOrder(scores).map((n, i) => [n, i]));
  for (const [name, cell] of cx.scoreSlots) cell.slot = order.get(name) ?? -1;
  const { fields, events, problems, historyReads, clockWindows, textOf } = cx;
  return { fromUri, fields, events, scores, grades, stages, initialStage, reenters, owners, queues, teams, routes, consents, actions, workflows, journeys, textOf, problems, historyReads, clockWindows };
}
