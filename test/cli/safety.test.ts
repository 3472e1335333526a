// Terminal and review safety (issue 13 item 8): control characters, escape sequences and bidirectional
// controls from rules files never reach a terminal raw; they are reported where they are (CR1024–CR1026);
// symbolic links are followed only inside the workspace root, and skipped links are named.
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, run } from "./harness.js";
import { parseJUnit } from "./xml.js";

const ESC = "\u001b";
const RLO = "\u202e";
/** Every raw character the outputs must not contain (tab and line feed are fine). */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function dir(): string {
  return mkdtempSync(path.join(tmpdir(), "crmrules-safety-"));
}

/** acme-v1 plus a journey whose name carries an escape sequence and a right-to-left override. */
function hostile(): string {
  const d = dir();
  cpSync(path.join(FIXTURES, "acme-v1"), d, { recursive: true });
  const journeys = path.join(d, "journeys", "journeys.crmrules");
  const text = readFileSync(journeys, "utf8").replace('journey "Nordic CTO books a demo"', `journey "Nordic ${ESC}]0;owned\u0007 ${ESC}[2J CTO ${RLO}omed a skoob"`);
  writeFileSync(journeys, text + `\n// looks harmless ${RLO} but is not\n`);
  return d;
}

describe("control and bidirectional characters in outputs", () => {
  it("test prints a journey name's escape sequences and U+202E escaped, in text and github formats", async () => {
    const d = hostile();
    for (const format of ["text", "github"]) {
      const r = await run(["test", "--format", format], { cwd: d });
      expect(r.stdout, format).not.toMatch(RAW);
      expect(r.stderr, format).not.toMatch(RAW);
      if (format === "text") expect(r.stdout).toContain("Nordic \\u{001B}]0;owned\\u{0007} \\u{001B}[2J CTO \\u{202E}omed a skoob");
    }
  });

  it("with colour on, the colours stay and the journey's own escape sequences are still escaped", async () => {
    const r = await run(["test"], { cwd: hostile(), env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
    expect(r.stdout).toContain(`${ESC}[`); // our colours
    expect(r.stdout).not.toContain(`${ESC}[2J`);
    expect(r.stdout).not.toContain(`${ESC}]0;`);
    expect(r.stdout).toContain("\\u{001B}[2J");
  });

  it("check reports the characters where they are (CR1026 for ESC, CR1024 for U+202E), in every text format", async () => {
    const d = hostile();
    const t = await run(["check"], { cwd: d });
    expect(t.code).toBe(1);
    expect(t.stdout).not.toMatch(RAW);
    expect(t.stdout).toContain("error[CR1026]: control character U+001B (ESCAPE) in a text value");
    expect(t.stdout).toMatch(/error\[CR1024\]: invisible bidirectional control U\+202E \(RIGHT-TO-LEFT OVERRIDE\) in a text value/);
    expect(t.stdout).toMatch(/error\[CR1024\]: invisible bidirectional control U\+202E \(RIGHT-TO-LEFT OVERRIDE\) in a comment/);
    expect(t.stdout).toContain("// looks harmless \\u{202E} but is not");
    const g = await run(["check", "--format", "github"], { cwd: d });
    expect(g.stdout).not.toMatch(RAW);
    expect(g.stdout).toMatch(/::error file=journeys\/journeys\.crmrules,line=\d+,endLine=\d+,col=\d+,endColumn=\d+,title=CR1024/);
  });

  it("JSON and SARIF escape U+202E as \\u202e (the same JSON value); JUnit stays well-formed XML", async () => {
    const d = hostile();
    for (const format of ["json", "sarif"]) {
      const r = await run(["check", "--format", format], { cwd: d });
      expect(r.stdout, format).not.toMatch(RAW);
      expect(JSON.stringify(JSON.parse(r.stdout)).length, format).toBeGreaterThan(100);
    }
    const tj = await run(["test", "--format", "json"], { cwd: d });
    expect(tj.stdout).not.toMatch(RAW);
    expect(JSON.parse(tj.stdout).journeys.map((j: { name: string }) => j.name)).toContain(`Nordic ${ESC}]0;owned\u0007 ${ESC}[2J CTO ${RLO}omed a skoob`);
    const x = await run(["test", "--format", "junit"], { cwd: d });
    expect(x.stdout).not.toMatch(RAW);
    const suites = await parseJUnit(x.stdout);
    expect(suites.suites.flatMap((s) => s.cases.map((c) => c.attrs.name))).toContain("Nordic \\u{001B}]0;owned\\u{0007} \\u{001B}[2J CTO \\u{202E}omed a skoob");
  });

  it("diff shows changed journey names escaped in text and markdown", async () => {
    const base = hostile();
    const head = dir();
    cpSync(base, head, { recursive: true });
    const routing = path.join(head, "routing.crmrules");
    writeFileSync(routing, readFileSync(path.join(FIXTURES, "acme-v2", "routing.crmrules"), "utf8"));
    for (const format of ["text", "markdown"]) {
      const r = await run(["diff", base, head, "--format", format], { cwd: base });
      expect(r.stdout, format).not.toMatch(RAW);
    }
  });

  it("simulate prints the trace with the name escaped, and JSON without raw bidirectional characters", async () => {
    const d = hostile();
    const t = await run(["simulate", "Nordic"], { cwd: d });
    expect(t.stdout).not.toMatch(RAW);
    expect(t.stdout).toContain('journey "Nordic \\u{001B}]0;owned\\u{0007} \\u{001B}[2J CTO \\u{202E}omed a skoob"');
    const j = await run(["simulate", "Nordic", "--format", "json"], { cwd: d });
    expect(j.stdout).not.toMatch(RAW);
    expect(JSON.parse(j.stdout).journey).toBe(`Nordic ${ESC}]0;owned\u0007 ${ESC}[2J CTO ${RLO}omed a skoob`);
  });

  it("a usage error echoing a journey name escapes it", async () => {
    const r = await run(["simulate", `no${ESC}[2Jsuch`], { cwd: hostile() });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain("no\\u{001B}[2Jsuch");
  });
});

describe("symbolic links", () => {
  it("a link to /etc/passwd named on the command line is skipped with a message naming it; nothing of the file is printed", async () => {
    const d = dir();
    symlinkSync("/etc/passwd", path.join(d, "rules.crmrules"));
    for (const format of ["text", "json"]) {
      const r = await run(["check", "rules.crmrules", "--format", format], { cwd: d });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("crmrules: rules.crmrules is a symbolic link to `/etc/passwd`, outside the workspace root `.`; skipped (links are followed only inside the root)\n");
      expect(r.stdout).not.toContain("root:");
    }
  });

  it("links inside folders: followed inside the root, named when they point outside or nowhere", async () => {
    const d = dir();
    mkdirSync(path.join(d, "rules"));
    mkdirSync(path.join(d, "shared"));
    writeFileSync(path.join(d, "shared", "schema.crmrules"), "lead { size: number }\n");
    writeFileSync(path.join(d, "rules", "stages.crmrules"), 'import "../shared/schema.crmrules"\nstage big when lead.size > 100\n');
    symlinkSync("../shared/schema.crmrules", path.join(d, "rules", "schema.crmrules")); // inside the root: followed
    symlinkSync("../shared", path.join(d, "rules", "shared-again")); // a folder inside the root, already read: read once
    symlinkSync("/etc/passwd", path.join(d, "rules", "passwd.crmrules"));
    symlinkSync("/etc", path.join(d, "rules", "etc"));
    symlinkSync("missing.crmrules", path.join(d, "rules", "gone.crmrules"));
    symlinkSync("/etc/hostname", path.join(d, "rules", "notes.txt")); // not a rules file: not ours
    const r = await run(["check", ".", "--format", "json"], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n").filter(Boolean).sort()).toEqual([
      "crmrules: rules/etc is a symbolic link to `/etc`, outside the workspace root `.`; skipped (links are followed only inside the root)",
      "crmrules: rules/gone.crmrules is a symbolic link to something that does not exist; skipped",
      "crmrules: rules/passwd.crmrules is a symbolic link to `/etc/passwd`, outside the workspace root `.`; skipped (links are followed only inside the root)",
    ]);
    const json = JSON.parse(r.stdout);
    // The schema reached through two links and directly is read once (no second `lead`, CR2009), under its own path.
    expect(json.diagnostics.filter((x: { severity: string }) => x.severity === "error")).toEqual([]);
    expect(r.stdout).not.toContain("root:");
  });

  it("--out replaces a symbolic link at the target instead of writing through it", async () => {
    const d = dir();
    const victim = path.join(d, "victim.txt");
    writeFileSync(victim, "keep me\n");
    const out = path.join(d, "leads.jsonl");
    symlinkSync(victim, out);
    expect((await run(["generate", "acme-v1", "--leads", "3", "-o", out])).code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("keep me\n");
    expect(lstatSync(out).isSymbolicLink()).toBe(false);
    expect(readFileSync(out, "utf8")).toContain('"lead"');
  });

  it("fmt writes through a link inside the root, which stays a link", async () => {
    const d = dir();
    writeFileSync(path.join(d, "real.crmrules"), "lead {   size : number }\n");
    symlinkSync("real.crmrules", path.join(d, "link.crmrules"));
    const r = await run(["fmt", "link.crmrules"], { cwd: d });
    expect(r.code).toBe(0);
    expect(readlinkSync(path.join(d, "link.crmrules"))).toBe("real.crmrules");
    expect(readFileSync(path.join(d, "real.crmrules"), "utf8")).toBe("lead { size: number }\n");
  });
});
