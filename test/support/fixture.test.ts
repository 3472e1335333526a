// The fixture helper of the server feature tests (test/support/fixture.ts): files, markers, places.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, fixture, fixtureFromFolders, parseFixture, ROOT, writeFixture } from "./fixture.js";
import { hover, labels } from "./features.js";

describe("fixture texts", () => {
  it("a text without headers is one file, /main.crmrules, with the cursor where `$0` was", () => {
    const p = parseFixture('queue $0q "Q"\n');
    expect([...p.files]).toEqual([["/main.crmrules", 'queue q "Q"\n']]);
    expect(p.marked).toEqual({ path: "/main.crmrules", offsets: [6] });
  });

  it("`//- /path` headers start files; markers are removed from the text they are in", () => {
    const p = parseFixture('//- /a.crmrules\nqueue q "Q"\n//- /sub/b.crmrules\nimport "../a.crmrules"\nroute r on stage s { otherwise -> queue $0q$0 }\n');
    expect([...p.files]).toEqual([
      ["/a.crmrules", 'queue q "Q"\n'],
      ["/sub/b.crmrules", 'import "../a.crmrules"\nroute r on stage s { otherwise -> queue q }\n'],
    ]);
    expect(p.marked).toEqual({ path: "/sub/b.crmrules", offsets: [63, 64] });
  });

  it("dedents a text that starts with a line break, keeping relative indentation", () => {
    const p = parseFixture(`
      score s "S" {
        rule $0r: +1 when true
      }
    `);
    expect(p.files.get("/main.crmrules")).toBe('score s "S" {\n  rule r: +1 when true\n}\n');
    expect(p.marked!.offsets).toEqual([21]);
  });

  it("keeps CRLF line breaks as written", () => {
    expect(parseFixture("//- /a.crmrules\r\nqueue q \"Q\"\r\n").files.get("/a.crmrules")).toBe('queue q "Q"\r\n');
  });

  it("refuses markers in two files, more than two markers, and a file declared twice", () => {
    expect(() => parseFixture("//- /a.crmrules\n$0\n//- /b.crmrules\n$0\n")).toThrow("markers in /a.crmrules and /b.crmrules");
    expect(() => parseFixture("$0 $0 $0")).toThrow("3 markers");
    expect(() => parseFixture("//- /a.crmrules\n//- /a.crmrules\n")).toThrow("declared twice");
  });
});

describe("fixture workspaces", () => {
  const f = fixture(`
    //- /schema.crmrules
    lead {
      role: enum(executive, student)
    }
    //- /rules.crmrules
    import "./schema.crmrules"
    stage s initial when lead.$0role == student
  `);

  it("holds every file under the fixture root, as the workspace model's open documents, checked together", () => {
    expect(f.snap.paths()).toEqual([`${ROOT}/rules.crmrules`, `${ROOT}/schema.crmrules`]);
    expect(f.ws.isOpen(f.path("rules"))).toBe(true);
    expect(f.snap.diagnosticsOf(f.path("rules")).map((d) => d.code)).toEqual([]);
    expect(f.uri("schema.crmrules")).toBe(`file://${ROOT}/schema.crmrules`);
  });

  it("gives the marked place as path, offset and LSP position", () => {
    const at = f.cursor();
    expect([at.path, at.offset, at.position, at.range]).toEqual([f.path("rules"), 53, { line: 1, character: 26 }, undefined]);
    expect(at.text.slice(at.offset, at.offset + 4)).toBe("role");
  });

  it("finds places by a snippet of a file: a cursor, a range, or the whole snippet", () => {
    expect(f.at("schema", "  $0role:").position).toEqual({ line: 1, character: 2 });
    expect(f.range("schema", "enum($0executive$0")).toEqual({ start: { line: 1, character: 13 }, end: { line: 1, character: 22 } });
    expect(f.range("rules", "student")).toEqual({ start: { line: 1, character: 34 }, end: { line: 1, character: 41 } });
    expect(() => f.at("schema", "nothing like this")).toThrow("is not in /schema.crmrules");
    expect(() => f.at("rules", "s$0")).toThrow("occurs more than once");
    expect(() => f.path("nope")).toThrow("no file named nope");
  });

  it("re-checks after an edit, which may mark a new place", () => {
    const g = fixture("queue q \"Q\"\n");
    expect(g.hasCursor).toBe(false);
    expect(() => g.cursor()).toThrow("no `$0` marker");
    const at = g.edit("main", 'queue q "Q"\nroute r on stage x { otherwise -> queue $0q }\n')!;
    expect(at.offset).toBe(52);
    expect(g.snap.diagnosticsOf(g.path("main")).map((d) => d.code)).toContain("CR2001");
    expect(g.text("main")).not.toContain("$0");
  });

  it("keeps workspace folders apart when given", () => {
    const g = fixture('//- /one/a.crmrules\nqueue q "Q"\n//- /two/b.crmrules\nqueue q "Q"\n', { folders: ["/one", "/two"] });
    expect(g.snap.checks().length).toBe(2);
    expect(g.snap.diagnosticsOf(g.path("one/a")).map((d) => d.code)).toEqual(["CR2007"]);
  });
});

describe("probes, documents and folders", () => {
  it("probes a scratch file and puts the workspace back as it was", () => {
    const f = fixture('//- /a.crmrules\nqueue q "Q"\n');
    expect(f.probe("/scratch.crmrules", "stage s initial when lead.$0", (at) => [at.path, at.offset])).toEqual([`${ROOT}/scratch.crmrules`, 26]);
    expect(f.snap.paths()).toEqual([`${ROOT}/a.crmrules`]);
    expect(f.probe("a", 'queue $0q "Q"\nqueue r "R"\n', (at) => at.text)).toBe('queue q "Q"\nqueue r "R"\n');
    expect(f.text("a")).toBe('queue q "Q"\n');
    expect(() => f.probe("a", "no marker", () => 0)).toThrow("no `$0` marker");
    expect(f.text("a")).toBe('queue q "Q"\n');
  });

  it("opens and closes documents, including one that is not a file (named by its URI)", () => {
    const f = fixture('queue q "Q"\n');
    f.open("untitled:Untitled-1", "owner o \"o@x.example\"\n");
    expect(f.uri("untitled:Untitled-1")).toBe("untitled:Untitled-1");
    expect(f.snap.diagnosticsOf("untitled:Untitled-1").map((d) => d.code)).toEqual(["CR2007"]);
    expect(f.at("untitled:Untitled-1", "owner $0o").offset).toBe(6);
    f.close("untitled:Untitled-1");
    expect(f.snap.paths()).toEqual([`${ROOT}/main.crmrules`]);
  });

  it("reads folders from disk into a fixture, keeping each file's text as it is (no final line break added)", () => {
    const dir = mkdtempSync(join(tmpdir(), "crm-fixture-"));
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "a.crmrules"), 'queue q "Q"');
    writeFileSync(join(dir, "sub", "b.crmrules"), 'import "../a.crmrules"\n');
    const f = fixtureFromFolders({ "/w": dir });
    expect([...f.files]).toEqual([
      [`${ROOT}/w/a.crmrules`, 'queue q "Q"'],
      [`${ROOT}/w/sub/b.crmrules`, 'import "../a.crmrules"\n'],
    ]);
    expect(f.text("sub/b")).toBe('import "../a.crmrules"\n');
  });

  it("writes a fixture's files to disk for protocol tests, and refuses markers there", () => {
    const dir = mkdtempSync(join(tmpdir(), "crm-fixture-"));
    writeFixture('//- /a.crmrules\nqueue q "Q"\n//- /sub/b.crmrules\nimport "../a.crmrules"\n', dir);
    expect(readFileSync(join(dir, "sub", "b.crmrules"), "utf8")).toBe('import "../a.crmrules"\n');
    expect(() => writeFixture("queue $0q", dir)).toThrow("markers cannot be written to disk");
  });
});

describe("check", () => {
  it("calls a feature in-process at the marker and compares its answer", () => {
    check(hover, 'queue $0q "Queue Q"\nroute r on stage s { otherwise -> queue q }\nstage s initial when true\n', 'queue `q`\n\n```crmrules\nqueue q "Queue Q"\n```');
    check(labels, "stage x initial when lead.$0", []);
  });

  it("fails when the answer differs", () => {
    expect(() => check(hover, 'queue $0q "Q"\n', "something else")).toThrow();
  });

  it("computes the expected answer from the fixture when given a function", () => {
    check((at) => at.range?.lsp, 'queue $0q$0 "Q"\n', (f) => f.range("main", "queue $0q$0"));
  });
});
