/** Benchmark 1: lexing, parsing and full check of a generated 100,000-line workspace. */
import { crmLexer } from "../../core/syntax/tokens.js";
import { parse } from "../../core/syntax/parse.js";
import { generateWorkspace } from "./gen/workspace.js";
import { summarize, timeMs, gc } from "./stats.js";
import { result, type BenchResult, type Skipped } from "./report.js";
import type { Optional } from "./optional.js";

export const GROUP = "Parse and check";

export async function parseBench(opt: Optional, runs: number): Promise<{ results: BenchResult[]; skipped: Skipped[] }> {
  const ws = generateWorkspace({ seed: 20261123, lines: 100_000, files: 400 });
  const lines = ws.lines;
  const results: BenchResult[] = [];
  const skipped: Skipped[] = [];
  const desc = `${ws.files.length} generated files, ${lines.toLocaleString("en-US")} lines (seed 20261123)`;

  // Sanity: the generated workspace must be free of syntax errors, or we would time error recovery.
  let syntaxErrors = 0;
  for (const f of ws.files) syntaxErrors += parse(f.text, f.uri).diagnostics.length;
  if (syntaxErrors > 0) throw new Error(`the generated workspace has ${syntaxErrors} syntax error(s); fix bench/src/gen/workspace.ts`);

  const measure = (fn: () => void): number[] => {
    fn(); // warm-up (JIT)
    fn();
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      gc();
      xs.push(timeMs(fn));
    }
    return xs;
  };

  let tokenCount = 0;
  const lexMs = measure(() => {
    tokenCount = 0;
    for (const f of ws.files) tokenCount += crmLexer.tokenize(f.text).tokens.length;
  });
  const parseMs = measure(() => {
    for (const f of ws.files) parse(f.text, f.uri);
  });
  const perSec = (ms: number[]) => summarize(ms.map((m) => lines / (m / 1000)));
  results.push(
    result({
      group: GROUP,
      name: "lex.linesPerSec",
      title: "Lexing alone",
      unit: "lines/s",
      summary: perSec(lexMs),
      target: null,
      how: `\`crmLexer.tokenize\` over every file of the workspace (${desc}; ${tokenCount.toLocaleString("en-US")} tokens).`,
    }),
    result({
      group: GROUP,
      name: "parse.linesPerSec",
      title: "Parsing (lexing + AST)",
      unit: "lines/s",
      summary: perSec(parseMs),
      target: null,
      how: "`parse(text, uri)` over every file (lexing, recovering Chevrotain parser, AST with ranges, line index).",
    }),
    result({
      group: GROUP,
      name: "parse.ms",
      title: "Parsing the workspace",
      unit: "ms",
      summary: summarize(parseMs),
      target: null,
      how: "Wall time of the parse pass above for the whole workspace.",
    }),
  );

  if (!opt.checkWorkspace) {
    skipped.push({ group: GROUP, name: "check.full.ms", reason: "core/checker/check.ts (`checkWorkspace`) is not in the tree yet" });
    skipped.push({ group: GROUP, name: "check.ratioToLex", reason: "needs the full check" });
    return { results, skipped };
  }
  const check = opt.checkWorkspace;
  const input = { root: ws.root, files: ws.files.map((f) => ({ uri: f.uri, text: f.text })) };
  let diagnostics = 0;
  let errors = 0;
  const checkMs = measure(() => {
    const ds = check(input).diagnostics;
    diagnostics = ds.length;
    errors = ds.filter((d) => d.severity === "error").length;
  });
  const lexMedian = summarize(lexMs).median;
  const parseMedian = summarize(parseMs).median;
  const checkMedian = summarize(checkMs).median;
  const breakdown = `Of the check's median ${Math.round(checkMedian)} ms, parsing alone takes ${Math.round(parseMedian)} ms (${Math.round((parseMedian / checkMedian) * 100)}%; lexing ${Math.round(lexMedian)} ms of it), so binding, types and analyses take the other ${Math.round(checkMedian - parseMedian)} ms.`;
  results.push(
    result({
      group: GROUP,
      name: "check.full.ms",
      title: "Full check of 100k lines",
      unit: "ms",
      summary: summarize(checkMs),
      target: { op: "<", value: 600 },
      how: `\`checkWorkspace({root, files})\` from source text to sorted diagnostics (parse, bind, types, analyses) for the whole workspace; the generated input gets ${errors} error(s) and ${diagnostics - errors} other diagnostic(s) (mostly realistic warnings: unused declarations, shadowed routing rules, unreachable grades).`,
      closeGap: `${breakdown} ${
        parseMedian > checkMedian / 2
          ? "Parsing is the larger share: Chevrotain with error recovery and embedded actions; lighter recovery bookkeeping on the happy path and `positionTracking: \"onlyOffset\"` (lines and columns from the line index only where needed) are the first things to try."
          : "Binding, types and analyses are the larger share."
      } CPU profiles of this pass (\`node --cpu-prof\`) show no single hotspot: about a third of the samples are garbage collection, mostly young-generation scavenges copying the trees while they are built (every node carries a range of two position objects, shared per token), the lexer and Chevrotain's rule machinery (recovery bookkeeping, alternatives) are the largest parts of the rest, then the binder's symbols and the routing analyses. Ranges built lazily from offsets would change every AST node and every consumer of one, which was not done. In the editor this is paid once, when the workspace opens: after an edit only the changed file and the files that import it are checked again (\`check.incremental.ms\`), and within a file only the declarations the edit touches and those reading a name they declare (the incremental-reparse group).`,
      extra: { diagnostics, errors },
    }),
    result({
      group: GROUP,
      name: "check.linesPerSec",
      title: "Full check throughput",
      unit: "lines/s",
      summary: perSec(checkMs),
      target: null,
      how: "Same pass, as lines per second.",
    }),
    result({
      group: GROUP,
      name: "check.ratioToLex",
      title: "Full check ÷ lexing alone",
      unit: "×",
      summary: summarize(checkMs.map((m) => m / lexMedian)),
      target: { op: "<", value: 8 },
      how: "Each full-check run divided by the median lexing time of the same workspace: the cost of everything after the lexer, relative to the cheapest possible pass.",
      closeGap: `${breakdown} With lexing at ${Math.round(lexMedian)} ms the target means a whole check in under ${Math.round(lexMedian * 8)} ms; parsing alone is already ${(parseMedian / lexMedian).toFixed(1)}× lexing, so both the parser and the passes after it must get cheaper (see \`check.full.ms\`).`,
    }),
  );

  // The editor's first check keeps each declaration's result for the next one (CheckOptions.keepDeclarations).
  const keepMs = measure(() => void check(input, { keepDeclarations: true }).diagnostics.length);
  results.push(
    result({
      group: GROUP,
      name: "check.full.keep.ms",
      title: "Full check of 100k lines, declarations kept (the editor's first check)",
      unit: "ms",
      summary: summarize(keepMs),
      target: null,
      how: "The same check with `keepDeclarations` (what the language server asks: each top-level declaration's diagnostics copied and the names it read recorded, so that after an incremental reparse only the declarations an edit touches and their dependents are checked again). Compare with `check.full.ms`: the difference is what keeping costs.",
    }),
  );

  // After a one-line edit of a file nothing imports, with the previous check handed over (what the language server does on a keystroke).
  const leaf = input.files.find((f) => f.text.includes("score score_") && f.text.includes("  cap "));
  if (leaf) {
    let previous = check(input);
    let n = 0;
    let rechecked = 0;
    const incMs = measure(() => {
      n++;
      leaf.text = leaf.text.replace(/ {2}cap \d+/, `  cap ${100 + (n % 50) * 10}`);
      previous = check(input, { previous });
      rechecked = previous.rechecked?.length ?? input.files.length;
    });
    results.push(
      result({
        group: GROUP,
        name: "check.incremental.ms",
        title: "Check after a one-line edit",
        unit: "ms",
        summary: summarize(incMs),
        target: null,
        how: `\`checkWorkspace(input, { previous })\` on the same workspace after changing the \`cap\` line of one rule file that no other file imports: the file is parsed again and ${rechecked} file(s) checked again (the edited file and its importers); every other file's result is reused, and only the workspace-wide rules (duplicates, unused declarations, one lead per view) run over everything.`,
        extra: { rechecked },
      }),
    );
  }
  return { results, skipped };
}
