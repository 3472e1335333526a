/**
 * Every ```crmrules block in docs/language.md is a construct the parser
 * accepts: the spec documents only what parses. Snippets that are meant to be
 * wrong are fenced ```crmrules-invalid and must produce at least one syntax
 * error, so a fence label can never hide a snippet that silently became valid.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "../../core/syntax/parse.js";
import { KEYWORDS, TOP_LEVEL_KEYWORDS } from "../../core/syntax/tokens.js";

const SPEC = join(__dirname, "../../docs/language.md");

interface Snippet {
  info: string;
  line: number; // 1-based line of the opening fence
  text: string;
}

function extractSnippets(markdown: string): Snippet[] {
  const lines = markdown.split(/\r?\n/);
  const out: Snippet[] = [];
  let open: { info: string; line: number; body: string[] } | undefined;
  lines.forEach((l, i) => {
    const fence = /^\s*```(.*)$/.exec(l);
    if (!open) {
      if (fence) open = { info: fence[1]!.trim(), line: i + 1, body: [] };
    } else if (fence && fence[1]!.trim() === "") {
      out.push({ info: open.info, line: open.line, text: open.body.join("\n") + "\n" });
      open = undefined;
    } else open.body.push(l);
  });
  if (open) throw new Error(`unclosed code fence at docs/language.md:${open.line}`);
  return out;
}

const snippets = extractSnippets(readFileSync(SPEC, "utf8"));
// ```crmrules and ```crmrules fragment (test/support/markdown.ts): both must parse.
const valid = snippets.filter((s) => s.info === "crmrules" || s.info.startsWith("crmrules "));
const invalid = snippets.filter((s) => s.info === "crmrules-invalid");

function syntaxErrors(s: Snippet): string[] {
  const { diagnostics } = parse(s.text, `language.md#L${s.line}`);
  return diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => `snippet at line ${s.line}, +${d.range.start.line}:${d.range.start.character + 1} ${d.code} ${d.message}`);
}

describe("docs/language.md snippets", () => {
  it("has crmrules snippets", () => {
    expect(valid.length).toBeGreaterThan(10);
  });

  it("the extractor splits fences", () => {
    const got = extractSnippets("a\n```crmrules\nx\n```\n```crmrules-invalid\ny\n```\n");
    expect(got).toEqual([
      { info: "crmrules", line: 2, text: "x\n" },
      { info: "crmrules-invalid", line: 5, text: "y\n" },
    ]);
  });

  for (const s of valid) {
    it(`snippet at line ${s.line} parses without syntax errors`, () => {
      expect(syntaxErrors(s)).toEqual([]);
    });
  }

  for (const s of invalid) {
    it(`invalid snippet at line ${s.line} has a syntax error`, () => {
      expect(syntaxErrors(s).length).toBeGreaterThan(0);
    });
  }
});

describe("docs/language.md agrees with the parser and the checker", () => {
  const spec = readFileSync(SPEC, "utf8");

  it("§16 lists exactly the parser's hard keywords", () => {
    const section = spec.slice(spec.indexOf("## 16. Keywords"));
    const block = /```(?:text)?\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    const listed = block![1]!.split(/\s+/).filter(Boolean).sort();
    expect(listed).toEqual([...KEYWORDS].sort());
  });

  it("§16 lists exactly the words that start a declaration", () => {
    const m = /Declarations start with one of: `([^`]*)`/.exec(spec.replace(/\n/g, " "));
    expect(m).not.toBeNull();
    expect(m![1]!.split(/\s+/).filter(Boolean)).toEqual([...TOP_LEVEL_KEYWORDS]);
  });

  it("every diagnostic code is cited where its rule is described, with a working link", () => {
    const diagnostics = readFileSync(join(__dirname, "../../docs/diagnostics.md"), "utf8");
    const headings = new Map<string, string>();
    for (const m of diagnostics.matchAll(/^## (CR\d{4}) — (.*)$/gm)) {
      const slug = `${m[1]} — ${m[2]}`.toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-");
      headings.set(m[1]!, slug);
    }
    expect(headings.size).toBeGreaterThan(50);
    const missing = [...headings.keys()].filter((c) => !spec.includes(c));
    expect(missing).toEqual([]);
    const broken = [...spec.matchAll(/\]\(diagnostics\.md#([^)]*)\)/g)]
      .map((m) => m[1]!)
      .filter((a) => ![...headings.values()].includes(a));
    expect(broken).toEqual([]);
  });
});
