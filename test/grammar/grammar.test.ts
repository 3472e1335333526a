/**
 * Golden tests of the TextMate grammar: each fixture under fixtures/ is tokenized with
 * vscode-textmate + vscode-oniguruma (the engine VS Code uses) and compared with the
 * `.scopes.txt` file beside it (test/support/golden.ts: `UPDATE_GOLDEN=1` rewrites the expected files).
 */
import { describe, expect, it, beforeAll } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import * as vsctm from "vscode-textmate";
import * as oniguruma from "vscode-oniguruma";
import { KEYWORDS } from "../../core/syntax/tokens.js";
import { golden } from "../support/golden.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const fixtures = join(here, "fixtures");
const require = createRequire(import.meta.url);

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== "source.crmrules") return null;
      const path = join(root, "grammar", "crmrules.tmLanguage.json");
      return vsctm.parseRawGrammar(readFileSync(path, "utf8"), path);
    },
  });
  const g = await registry.loadGrammar("source.crmrules");
  if (!g) throw new Error("grammar did not load");
  grammar = g;
});

interface Tok {
  text: string;
  scopes: string[];
}

function tokenize(text: string): Tok[][] {
  let state = vsctm.INITIAL;
  const out: Tok[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = grammar.tokenizeLine(line, state);
    out.push(
      r.tokens.map((t, i) => ({
        text: line.slice(t.startIndex, r.tokens[i + 1]?.startIndex ?? line.length),
        scopes: t.scopes,
      })),
    );
    state = r.ruleStack;
  }
  return out;
}

/** One line per non-blank token: `L:C "text" scope scope…` (the root scope left out). */
function render(text: string): string {
  const lines = tokenize(text);
  const rows: string[] = [];
  lines.forEach((toks, li) => {
    let col = 0;
    for (const t of toks) {
      if (t.text.trim() !== "") {
        rows.push(`${li + 1}:${col + 1} ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(" ") || "-"}`);
      }
      col += t.text.length;
    }
  });
  return rows.join("\n") + "\n";
}

function scopeOf(line: string, word: string): string {
  const toks = tokenize(line)[0]!;
  const t = toks.find((x) => x.text.trim() === word);
  return t ? t.scopes.slice(1).join(" ") : "<not a token>";
}

describe("grammar golden files", () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith(".crmrules"));
  it("has fixtures", () => expect(files.length).toBeGreaterThan(2));
  for (const f of files) {
    it(f, () => {
      const actual = render(readFileSync(join(fixtures, f), "utf8"));
      const goldenPath = join(fixtures, f.replace(/\.crmrules$/, ".scopes.txt"));
      golden(goldenPath, actual);
    });
  }
});

describe("grammar coverage", () => {
  it("gives every language keyword a keyword-like scope", () => {
    const bad: string[] = [];
    for (const kw of KEYWORDS) {
      const s = scopeOf(`x ${kw} y`, kw);
      if (!/(keyword|storage\.type|constant\.language)/.test(s)) bad.push(`${kw}: ${s}`);
    }
    expect(bad).toEqual([]);
  });

  it.each([
    ["rule demo: +40 on demo_requested", "demo", "entity.name.function.rule.crmrules"],
    ["// a note", "//", "comment.line.double-slash.crmrules"],
    ["/// a doc", "///", "comment.line.documentation.crmrules"],
    ["x within 14 days", "14", "constant.numeric.duration.crmrules"],
    ["decay 25% every 30 days", "25", "constant.numeric.percentage.crmrules"],
    ["territory dach = [DE, AT, CH]", "DE", "constant.other.country-code.crmrules"],
    ["seed 2026-01-15", "2026-01-15", "constant.numeric.date.crmrules"],
    ["day 1 at 14:30", "14:30", "constant.numeric.time.crmrules"],
    ["in [DE]: requires double_opt_in", "double_opt_in", "support.constant.consent-basis.crmrules"],
    ["team t = round_robin [\"a\"]", "round_robin", "keyword.other.round_robin.crmrules"],
    ["country: country", "country", "variable.other.crmrules"],
    ["x -> queue", "->", "keyword.operator.arrow.crmrules"],
    ["when lead.role == student", "lead", "variable.language.lead.crmrules"],
    ["owner søren \"s@acme.example\"", "søren", "entity.name.type.owner.crmrules"],
    ["rule større: +10 when x", "større", "entity.name.function.rule.crmrules"],
    ["lead { société: text }", "société", "variable.other.crmrules"],
    ["when lead.område == sør", "sør", "variable.other.crmrules"],
    ["when lead.cafe\u0301 is present", "cafe\u0301", "variable.other.crmrules"],
  ])("%s: %s", (line, word, scope) => {
    expect(scopeOf(line, word)).toContain(scope);
  });

  it("keeps a block comment open across lines", () => {
    const lines = tokenize("/* one\ntwo */ score");
    expect(lines[1]![0]!.scopes).toContain("comment.block.crmrules");
    expect(lines[1]!.at(-1)!.scopes.join(" ")).toContain("storage.type.score.crmrules");
  });

  it("ends an unterminated string at the end of the line", () => {
    const lines = tokenize("owner \"kari\nscore x");
    expect(lines[1]![0]!.scopes.join(" ")).not.toContain("string");
  });
});
