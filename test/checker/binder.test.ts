// Imports, visibility, symbols, doc comments, references and the queries the language server uses.
import { describe, expect, it } from "vitest";
import { checkSources } from "./helpers.js";
import { referencesTo, symbolAt } from "../../core/checker/queries.js";
import { checkWorkspace } from "../../core/checker/check.js";

const files = {
  "schema.crmrules": `/// Who the lead is.
/// Second line.
lead {
  country: country
  /// Their job title, as a fixed list.
  role: enum(executive, student)
}
event page_view { url: text }
`,
  "scoring/fit.crmrules": `import "../schema.crmrules"
score fit "Fit" { rule r: +10 when lead.role == executive  rule v: +1 on page_view where url starts_with "/p" limit 3 }
`,
  "stages.crmrules": `import "./scoring/fit.crmrules"
stage mql when fit >= 10 and lead.country == NO
`,
  "lonely.crmrules": `stage other when fit >= 1
`,
};

describe("binder", () => {
  const check = checkSources(files);

  it("resolves imports relative to the importing file and transitively", () => {
    expect(check.visibleFiles("/ws/stages.crmrules")).toEqual(["/ws/schema.crmrules", "/ws/scoring/fit.crmrules", "/ws/stages.crmrules"]);
    expect(check.dependents("/ws/schema.crmrules")).toEqual(["/ws/schema.crmrules", "/ws/scoring/fit.crmrules", "/ws/stages.crmrules"]);
    expect(check.visibleFiles("/ws/lonely.crmrules")).toEqual(["/ws/lonely.crmrules"]);
  });

  it("does not see declarations of files it does not import", () => {
    const lonely = check.diagnostics.filter((d) => d.uri === "/ws/lonely.crmrules");
    expect(lonely.map((d) => d.code)).toEqual(["CR2001"]);
    expect(check.diagnostics.filter((d) => d.uri !== "/ws/lonely.crmrules" && d.severity === "error")).toEqual([]);
  });

  it("puts `///` doc comments and details on symbols", () => {
    const role = [...check.symbols.values()].find((s) => s.name === "role")!;
    expect(role.doc).toBe("Their job title, as a fixed list.");
    expect(role.detail).toBe("enum(executive, student)");
    const country = [...check.symbols.values()].find((s) => s.name === "country")!;
    expect(country.doc).toBeUndefined();
    const consentGiven = check.symbols.get("builtin:consent_given")!;
    expect(consentGiven.builtin).toBe(true);
  });

  it("finds the symbol under the cursor and every reference to it", () => {
    const text = files["stages.crmrules"];
    const at = text.indexOf("fit >=") + 1;
    const fit = symbolAt(check, "/ws/stages.crmrules", at)!;
    expect(fit).toMatchObject({ name: "fit", kind: "score", uri: "/ws/scoring/fit.crmrules" });
    expect(symbolAt(check, "/ws/scoring/fit.crmrules", fit.range.start.offset)!.id).toBe(fit.id);
    const refs = referencesTo(check, fit.id).map((r) => r.uri);
    expect(refs).toEqual(["/ws/stages.crmrules"]);
    const role = symbolAt(check, "/ws/scoring/fit.crmrules", files["scoring/fit.crmrules"].indexOf("role"))!;
    expect(role.kind).toBe("field");
    const exec = symbolAt(check, "/ws/scoring/fit.crmrules", files["scoring/fit.crmrules"].indexOf("executive"))!;
    expect(exec).toMatchObject({ kind: "enumValue", container: "role" });
    const url = symbolAt(check, "/ws/scoring/fit.crmrules", files["scoring/fit.crmrules"].indexOf("url"))!;
    expect(url).toMatchObject({ kind: "payloadField", container: "page_view" });
    expect(symbolAt(check, "/ws/stages.crmrules", text.indexOf("NO"))).toBeUndefined();
  });

  it("reports an import cycle once, at the import that closes it", () => {
    const c = checkSources({ "a.crmrules": `import "./b.crmrules"\n`, "b.crmrules": `import "./c.crmrules"\n`, "c.crmrules": `import "./a.crmrules"\n` });
    expect(c.diagnostics.map((d) => `${d.uri} ${d.code} ${d.message}`)).toEqual([
      "/ws/c.crmrules CR2005 this import closes a circle of imports: `a.crmrules` → `b.crmrules` → `c.crmrules` → `a.crmrules`",
    ]);
    expect(c.visibleFiles("/ws/a.crmrules")).toEqual(["/ws/a.crmrules", "/ws/b.crmrules", "/ws/c.crmrules"]);
  });

  it("never lets an import leave the root, even through `..` inside the path", () => {
    const c = checkWorkspace({ root: "/ws/project", files: [{ uri: "/ws/project/a.crmrules", text: `import "./sub/../../secret.crmrules"\n` }, { uri: "/ws/secret.crmrules", text: "" }] });
    expect(c.diagnostics.map((d) => d.code)).toEqual(["CR2004"]);
  });

  it("reports duplicates only among files that see each other", () => {
    const c = checkSources({ "a.crmrules": `queue q "A"\nroute r on stage s { otherwise -> queue q }\nstage s`, "b.crmrules": `queue q "B"\nroute r2 on stage s2 { otherwise -> queue q }\nstage s2` });
    expect(c.diagnostics).toEqual([]);
    const d = checkSources({ "a.crmrules": `import "./b.crmrules"\nqueue q "A"\nroute r on stage s { otherwise -> queue q }\nstage s`, "b.crmrules": `queue q "B"` });
    expect(d.diagnostics.map((x) => `${x.uri} ${x.code}`)).toEqual(["/ws/b.crmrules CR2002"]);
  });

  it("survives half-typed text without throwing", () => {
    const inputs = ["score", "score s {", "route r on stage", "lead { x: enum(", "stage s when lead.", "journey \"j\" { lead { country: ", "consent c { in [DE", "action a(", "workflow w on stage s { do ", "grade g from"];
    for (const text of inputs) expect(() => checkSources({ "a.crmrules": text })).not.toThrow();
  });

  it("marks unused declarations as unnecessary with a removal fix", () => {
    const c = checkSources({ "a.crmrules": `/// doc\nterritory t = [NO]\nqueue q "Q"\n` });
    const d = c.diagnostics.find((x) => x.message.includes("`t`"))!;
    expect(d.tags).toEqual(["unnecessary"]);
    expect(d.fixes![0]!.edits[0]!.range.start.offset).toBe(0);
    expect(d.fixes![0]!.edits[0]!.range.end.offset).toBe(`/// doc\nterritory t = [NO]\n`.length);
  });

  it("offers the closest name as the preferred did-you-mean fix", () => {
    const c = checkSources({ "a.crmrules": `event page_view {}\nevent page_load {}\nscore s "S" { rule r: +1 on page_veiw  rule x: +1 on page_load }` });
    const d = c.diagnostics.find((x) => x.code === "CR2001")!;
    expect(d.fixes![0]).toMatchObject({ title: "change to `page_view`", preferred: true });
    expect(d.fixes![0]!.edits[0]!.newText).toBe("page_view");
  });
});

describe("import did-you-mean", () => {
  it("suggests the closest workspace file as a path relative to the importing file", () => {
    const c = checkSources({ "rules/a.crmrules": `import "../shared/shema.crmrules"\n`, "shared/schema.crmrules": "" });
    const [d] = c.diagnostics;
    expect(d!.code).toBe("CR2003");
    expect(d!.message).toBe("no workspace file `shared/shema.crmrules` to import (paths are relative to this file); did you mean `shared/schema.crmrules`?");
    expect(d!.fixes![0]!.edits[0]!.newText).toBe('"../shared/schema.crmrules"');
  });
});

describe("completion queries", () => {
  it("lists what a file can see, by kind, and the members of a declaration", async () => {
    const { namesInScope, membersOf } = await import("../../core/checker/queries.js");
    const c = checkSources(files);
    expect(namesInScope(c, "/ws/stages.crmrules", ["field"]).map((s) => s.name)).toEqual(["country", "role"]);
    expect(namesInScope(c, "/ws/lonely.crmrules", ["field"])).toEqual([]);
    const events = namesInScope(c, "/ws/stages.crmrules", ["event"]).map((s) => s.name);
    expect(events).toContain("page_view");
    expect(events).toContain("consent_given");
    expect(namesInScope(c, "/ws/lonely.crmrules", ["event"]).map((s) => s.name)).not.toContain("page_view");
    const role = namesInScope(c, "/ws/stages.crmrules", ["field"]).find((s) => s.name === "role")!;
    expect(membersOf(c, role.id).map((s) => s.name)).toEqual(["executive", "student"]);
    expect(membersOf(c, "builtin:consent_given").map((s) => s.name)).toEqual(["purpose", "method"]);
  });
});
