// Issue 12, items 6 and 10: one clear diagnostic per mistake, and quick fixes that do not leave a dead rule.
import { describe, expect, it } from "vitest";
import { checkSources, formatDiagnostic } from "./helpers.js";
import type { Diagnostic } from "../../core/diagnostics/diagnostic.js";

const SCHEMA = `lead { country: country  role: text  size: number  tier: enum(gold, silver) }
event page_view { path: text  referrer: text }
`;

function check(body: string, files: Record<string, string> = {}) {
  return checkSources({ "a.crmrules": SCHEMA + body, ...files });
}
function lines(body: string): string[] {
  return check(body).diagnostics.filter((d) => d.uri === "/ws/a.crmrules" && d.code !== "CR2007").map(formatDiagnostic);
}
function apply(text: string, d: Diagnostic, fix = 0): string {
  const edits = [...d.fixes![fix]!.edits].sort((x, y) => y.range.start.offset - x.range.start.offset);
  for (const e of edits) text = text.slice(0, e.range.start.offset) + e.newText + text.slice(e.range.end.offset);
  return text;
}

describe("a bare word close to a payload field (item 6)", () => {
  const body = `score intent "Intent" { rule pricing: +10 on page_view where pth starts_with "/pricing" }\n`;

  it("is reported as that field misspelt, with the field as the preferred fix", () => {
    const [d, ...rest] = check(body).diagnostics;
    expect(rest).toEqual([]);
    expect(d!.code).toBe("CR3001");
    expect(d!.message).toBe('the event `page_view` has no field `pth`; did you mean `path`? (a text value is written in double quotes: `"pth"`)');
    expect(d!.fixes!.map((f) => [f.title, f.preferred ?? false])).toEqual([
      ["change to `path`", true],
      ['write `"pth"`', false],
    ]);
    const fixed = apply(SCHEMA + body, d!);
    expect(fixed).toContain('where path starts_with "/pricing"');
    expect(checkSources({ "a.crmrules": fixed }).diagnostics).toEqual([]);
  });

  it("quoting it anyway leaves a comparison of two fixed values, which is reported (CR3030)", () => {
    const [d] = check(body).diagnostics;
    const quoted = apply(SCHEMA + body, d!, 1);
    expect(checkSources({ "a.crmrules": quoted }).diagnostics.map(formatDiagnostic)).toEqual([
      '3:62-3:90 CR3030 warning `"pth" starts_with "/pricing"` compares two fixed values, so it is always false; compare a field with a value instead (`lead.country == NO`; in a `where`, a payload field is written without quotes)',
    ]);
  });

  it("a bare word far from every field names the fields it could have meant", () => {
    expect(lines(`score s { rule a: +1 on page_view where zzzz starts_with "/x" }\n`)).toEqual([
      '3:41-3:45 CR3002 error `zzzz` is a bare word, but text is expected here; write it in double quotes: `"zzzz"` or name a field of `page_view` (`path`, `referrer`)',
    ]);
  });
});

describe("comparisons of two fixed values (CR3030)", () => {
  it("gives the fixed outcome for numbers, texts, booleans, dates and lists", () => {
    const out = lines(`stage a when 3 > 2
stage b when "x" == "y"
stage c when true != false
stage d when 2026-01-01 < 2025-12-31
stage e when 2 in [1, 2]
stage f when "abc" matches "a*"
stage g when (-1) <= 0
`);
    expect(out.map((l) => l.replace(/;.*$/, ""))).toEqual([
      "3:14-3:19 CR3030 warning `3 > 2` compares two fixed values, so it is always true",
      '4:14-4:24 CR3030 warning `"x" == "y"` compares two fixed values, so it is always false',
      "5:14-5:27 CR3030 warning `true != false` compares two fixed values, so it is always true",
      "6:14-6:37 CR3030 warning `2026-01-01 < 2025-12-31` compares two fixed values, so it is always false",
      "7:14-7:25 CR3030 warning `2 in [1, 2]` compares two fixed values, so it is always true",
      '8:14-8:32 CR3030 warning `"abc" matches "a*"` compares two fixed values, so it is always true',
      "9:14-9:23 CR3030 warning `-1 <= 0` compares two fixed values, so it is always true",
    ]);
  });

  it("leaves comparisons with a field alone, and mixed kinds to the type check", () => {
    expect(lines(`stage a when lead.size > 2 and 3 < lead.size\n`)).toEqual([]);
    expect(lines(`stage b when "3" == 3\n`).map((l) => l.split(" ")[1])).toEqual(["CR3002"]);
  });
});

describe("an unknown field does not cascade (item 10)", () => {
  it("`lead.rol == ceo` is one error, about the field", () => {
    expect(lines(`stage s when lead.rol == ceo\n`)).toEqual(["3:19-3:22 CR3001 error the lead has no field `rol`; did you mean `role`?"]);
  });
  it("nor in a list", () => {
    expect(lines(`stage s when lead.tiers in [gold, platinum]\n`)).toEqual(["3:19-3:24 CR3001 error the lead has no field `tiers`; did you mean `tier`?"]);
  });
  it("a bare word against a known field is still reported", () => {
    expect(lines(`stage s when lead.tier == platinum\n`).map((l) => l.split(" ")[1])).toEqual(["CR3003"]);
  });
});

describe("a file imported twice (CR2011, item 10)", () => {
  const other = { "b.crmrules": `owner kari "kari@acme.example"\n` };
  const body = `import "./b.crmrules"\nimport "b.crmrules"\nroute r on page_view { otherwise -> owner kari }\n`;

  it("is reported on the second import, with a fix that removes the line", () => {
    const text = `import "./b.crmrules"\n` + SCHEMA + `import "./b.crmrules"\nimport "b.crmrules"\nroute r on page_view { otherwise -> owner kari }\n`;
    const ds = checkSources({ "a.crmrules": text, ...other }).diagnostics.filter((d) => d.uri === "/ws/a.crmrules");
    expect(ds.map(formatDiagnostic)).toEqual([
      "4:1-4:22 CR2011 warning `./b.crmrules` is already imported above; remove this line",
      "5:1-5:20 CR2011 warning `b.crmrules` is the file `./b.crmrules` already imported above; remove this line",
    ]);
    expect(ds[0]!.related![0]!.range.start.line).toBe(0);
    let fixed = apply(text, ds[1]!);
    fixed = apply(fixed, checkSources({ "a.crmrules": fixed, ...other }).diagnostics.find((d) => d.code === "CR2011")!);
    expect(fixed).toBe(`import "./b.crmrules"\n` + SCHEMA + `route r on page_view { otherwise -> owner kari }\n`);
    expect(checkSources({ "a.crmrules": fixed, ...other }).diagnostics).toEqual([]);
    expect(body).toContain("import");
  });
});
