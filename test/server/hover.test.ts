// Hover (server/src/hover.ts), in-process on fixtures: what a name is, in words.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { check, fixture, fixtureFromFolders } from "../support/fixture.js";
import { hover, hoverResult } from "../support/features.js";
import { FIXTURES, REPO } from "./helpers.js";
import { HOMEPAGE, headingAnchor, specSectionUri } from "../../core/docLinks.js";

describe("hover on the basic workspace", () => {
  const f = fixtureFromFolders({ "/basic": join(FIXTURES, "basic"), "/second": join(FIXTURES, "second") });
  it("shows a score's maximum possible value", () => {
    expect(hover(f.at("scoring", "stage mql when $0fit"))).toBe('score `fit` "Fit"\n\nmaximum possible value: 35 (its rules add at most 35 points)\n\ncapped at 50\n\n3 rules\n\nHow well the lead fits our ideal customer.');
  });
  it("shows an unbounded score's maximum as its cap, and its decay", () => {
    expect(hover(f.at("scoring", "and e$0ngagement >= 40"))).toBe('score `engagement` "Engagement"\n\nmaximum possible value: 100 (it is capped at 100)\n\ncapped at 100\n\nloses 25% every 30 days\n\n3 rules');
  });
  it("shows a rule's points, window and limit in words", () => {
    expect(hover(f.at("scoring", "rule p$0ricing_visit"))).toBe('rule `pricing_visit` of score `engagement`\n\nadds 10 points on each `page_view`, where url starts_with "/pricing", at most 3 times per 7 days\n\n[score rules in the language reference](' + specSectionUri("Rules") + ")");
  });
  it("shows a territory's countries, through unions", () => {
    expect(hover(f.at("routing", "nordics + d$0ach ->"))).toBe("territory `dach`\n\n3 items: DE, AT, CH");
  });
  it("shows a field's type and an event's doc comment", () => {
    expect(hover(f.at("routing", "students: when lead.$0role"))).toBe("lead field `lead.role`: `enum(executive, director, manager, individual, student)`");
    expect(hover(f.at("scoring", "+10 on pa$0ge_view"))).toBe("event `page_view { url: text }`\n\nA visit to a page of the website.");
  });
  it("returns null where there is nothing to say", () => {
    expect(hover(f.at("scoring", 'import "./schema.crmrules"\n$0\n'))).toBeUndefined();
  });
});

describe("hover details", () => {
  const TEXT = `
    lead {
      size: number
    }
    event demo_requested {}
    score fit "Fit" {
      rule big: +10 when lead.size > 100
      rule demo: +5 on demo_requested
    }
    grade fit_grade from fit {
      A >= 40
      B >= 20
      C otherwise
    }
    stage s initial when fit_grade >= B or on demo_requested
    queue q "Q"
    route r on stage s {
      rule all: when true -> queue q
    }
  `;
  const f = fixture(TEXT);
  it("shows an event without payload fields as such (not `{  }`), at its declaration and its uses", () => {
    check(hover, "event dem$0o_requested {}\n", "event `demo_requested` (no payload fields)");
    expect(hover(f.at("main", "event dem$0o_requested {}"))).toBe("event `demo_requested` (no payload fields)");
    expect(hover(f.at("main", "or on dem$0o_requested"))).toBe("event `demo_requested` (no payload fields)");
  });
  it("shows a grade's score and every letter with its minimum", () => {
    const g = "grade `fit_grade` from score `fit`\n\nletters, best first: `A` ≥ 40, `B` ≥ 20, `C` otherwise";
    expect(hover(f.at("main", "grade fit_$0grade"))).toBe(g);
    expect(hover(f.at("main", "when fit_$0grade >="))).toBe(g);
  });
  it("links a score rule and a routing rule to their sections of the language reference, which exist there", () => {
    const spec = `${HOMEPAGE}/blob/main/docs/language.md`;
    expect(hover(f.at("main", "rule b$0ig"))).toBe(`rule \`big\` of score \`fit\`\n\nadds 10 points while lead.size > 100\n\n[score rules in the language reference](${spec}#rules)`);
    expect(hover(f.at("main", "rule a$0ll"))).toBe(`routing rule \`all\` of route \`r\`\n\n\`\`\`crmrules\nrule all: when true -> queue q\n\`\`\`\n\n[routing rules in the language reference](${spec}#routes)`);
    // Each anchor is the one GitHub gives the heading: it is there, once.
    const anchors = readFileSync(join(REPO, "docs/language.md"), "utf8").split("\n").filter((l) => /^#+ /.test(l)).map((l) => headingAnchor(l.replace(/^#+ /, "")));
    for (const a of ["rules", "routes"]) expect(anchors.filter((x) => x === a)).toEqual([a]);
  });
});

describe("hover on sets built from sets", () => {
  it("a set named twice (once inside another set) is expanded both times: `emea - nordics` leaves the nordics out", () => {
    const md = JSON.stringify(
      hoverResult(
        fixture(`
          territory nordics = [NO, SE]
          territory dach = [DE, AT]
          territory emea = nordics + dach
          territory r$0est = emea - nordics
        `).cursor(),
      ),
    );
    expect(md).toContain("DE");
    expect(md).not.toMatch(/\bNO\b/);
    expect(md).not.toMatch(/\bSE\b/);
  });

  // Each set is expanded once per hover: naming the previous set twice, 40 deep, would otherwise
  // mean 2^40 expansions (the test's time limit would stop it; no timing is asserted here).
  it("40 sets each naming the one before twice are expanded once each", () => {
    const lines = ["territory s0 = [NO, SE]"];
    for (let i = 1; i <= 40; i++) lines.push(`territory s${i} = s${i - 1} + s${i - 1}`);
    expect(JSON.stringify(hoverResult(fixture(lines.join("\n") + "\n").at("main", "territory s$040")))).toContain("2 items: NO, SE");
  });
});
