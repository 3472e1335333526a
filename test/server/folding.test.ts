// Folding and selection ranges (server/src/folding.ts), in-process on fixtures.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { fixtureFromFolders, rng } from "../support/fixture.js";
import { folding, selection } from "../support/features.js";
import { FIXTURES } from "./helpers.js";

const f = fixtureFromFolders({ "/basic": join(FIXTURES, "basic") });

describe("structure", () => {
  it("folds blocks and comment runs", () => {
    expect(folding(f, "scoring")).toEqual([
      { startLine: 3, endLine: 7 },
      { startLine: 10, endLine: 15 },
    ]);
    expect(folding(f, "routing")).toEqual([
      { startLine: 8, endLine: 10 },
      { startLine: 13, endLine: 17 },
      { startLine: 20, endLine: 27 },
    ]);
  });

  it("expands the selection from a name to its expression, rule, declaration and file", () => {
    const s = (snippet: string) => f.range("scoring", snippet);
    expect(selection(f.at("scoring", "lead.com$0pany_size >= 1000"))).toEqual([
      s("when lead.$0company_size$0"),
      s("when $0lead.company_size$0"),
      s("lead.company_size >= 1000"),
      s("when lead.company_size >= 1000"),
      s("rule enterprise: +15 when lead.company_size >= 1000"),
      s('score fit "Fit" {\n  cap 50\n  rule decision_maker: +20 when lead.role in [executive, director]\n  rule enterprise: +15 when lead.company_size >= 1000\n  rule student: -30 when lead.role == student\n}'),
      rng(0, 0, 21, 0), // the file
    ]);
  });
});
