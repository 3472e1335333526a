/**
 * `crmrules test --format sarif`: each failed expectation is a result at its `expect` line (with
 * `--explain`, the trace entries that decided it are related locations), each item no journey
 * exercises a note at its declaration, and coverage below `--min-coverage` an error result.
 */
import { pathToFileURL } from "node:url";
import type { Log, Result, ReportingDescriptor, Notification } from "sarif";
import { toPosix } from "../files.js";
import { belowMinimum } from "../journeys.js";
import { HOMEPAGE, VERSION } from "../version.js";
import { renderEntry } from "../../core/engine/index.js";
import { sarifArtifact, sarifRegion } from "./sarif.js";
import { coverageLine, expectationKey, type TestReport } from "./testReport.js";

const RULES: ReportingDescriptor[] = [
  { id: "expectation-failed", name: "expectationFailed", shortDescription: { text: "A journey's expectation failed" }, fullDescription: { text: "An `expect` line of a journey did not hold when the journey was replayed: the message gives what was expected and what happened." }, defaultConfiguration: { level: "error" }, helpUri: `${HOMEPAGE}/blob/main/docs/cli.md#test` },
  { id: "not-covered", name: "notCovered", shortDescription: { text: "No journey exercises this" }, fullDescription: { text: "A score rule, routing entry or consent clause that no journey's replay used." }, defaultConfiguration: { level: "note" }, helpUri: `${HOMEPAGE}/blob/main/docs/cli.md#test` },
  { id: "coverage-below-minimum", name: "coverageBelowMinimum", shortDescription: { text: "Coverage is below --min-coverage" }, defaultConfiguration: { level: "error" }, helpUri: `${HOMEPAGE}/blob/main/docs/cli.md#test` },
];

export function renderTestSarif(r: TestReport): string {
  const base = toPosix(r.reportBase ?? r.root ?? r.cwd);
  const results: Result[] = [];
  for (const { journey, result } of r.runs) {
    for (const x of result.expectations) {
      if (x.pass) continue;
      const res: Result = {
        ruleId: "expectation-failed",
        ruleIndex: 0,
        level: "error",
        message: { text: `journey "${journey.name}": ${x.text} at ${x.time}: expected ${x.expected}, actual ${x.actual}` },
        locations: [{ physicalLocation: { artifactLocation: sarifArtifact(x.source.uri, base), region: sarifRegion(x.source.range) } }],
        partialFingerprints: { "crmrulesExpectation/v1": `${journey.name}\u0000${x.text}` },
      };
      const ex = r.explanations?.get(expectationKey(x));
      const related = [{ uri: journey.uri, range: journey.decl.range, message: `journey "${journey.name}"` }, ...(ex?.entries ?? []).map((e) => ({ uri: e.source.uri, range: e.source.range, message: `${e.time}: ${renderEntry(e)}` }))];
      res.relatedLocations = related.map((l, id) => ({ id, physicalLocation: { artifactLocation: sarifArtifact(l.uri, base), region: sarifRegion(l.range) }, message: { text: l.message } }));
      if (ex?.whyNot && !ex.whyNot.happened) res.properties = { whyNot: ex.whyNot.summary };
      results.push(res);
    }
  }
  for (const i of r.coverage.items) {
    if (i.covered) continue;
    results.push({ ruleId: "not-covered", ruleIndex: 1, level: "note", message: { text: `no journey exercises the ${i.kind} \`${i.name}\`` }, locations: [{ physicalLocation: { artifactLocation: sarifArtifact(i.source.uri, base), region: sarifRegion(i.source.range) } }] });
  }
  if (r.minCoverage !== null && belowMinimum(r.coverage, r.minCoverage)) results.push({ ruleId: "coverage-below-minimum", ruleIndex: 2, level: "error", message: { text: `${coverageLine(r.coverage)}, below the minimum of ${r.minCoverage}%` } });
  const notifications: Notification[] = (r.ruleErrors ?? []).map((d) => ({ level: "error", message: { text: `${d.code} ${d.message}` }, locations: [{ physicalLocation: { artifactLocation: sarifArtifact(d.uri, base), region: sarifRegion(d.range) } }] }));
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "crmrules test", version: VERSION, semanticVersion: VERSION, informationUri: HOMEPAGE, rules: RULES } },
        invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(base.endsWith("/") ? base : base + "/").href } },
        results,
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

