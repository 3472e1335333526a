/**
 * The incremental reparse (core/syntax/incremental.ts) against a full parse, in
 * one run, on the 1 MB document of the editor-latency group: one-line edits,
 * then the time until the document's diagnostics are computed (parse + check
 * with the previous check, as the server's workspace does) and the time of
 * full semantic tokens (the server's provider, server/src/semanticTokens.ts).
 * In-process, without the language server around it: this measures the
 * parse/check part on its own.
 */
import { parse, type ParseResult } from "../../core/syntax/parse.js";
import { reparse, lastFallback } from "../../core/syntax/incremental.js";
import { checkWorkspace, type CheckResult } from "../../core/checker/check.js";
import { SemanticTokensProvider } from "../../server/src/semanticTokens.js";
import { generateWorkspace } from "./gen/workspace.js";
import { summarize, quantile, gc } from "./stats.js";
import { result, type BenchResult, type Skipped } from "./report.js";

export const GROUP = "Incremental reparse (1 MB document)";

const now = () => performance.now();

export async function reparseBench(edits: number): Promise<{ results: BenchResult[]; skipped: Skipped[] }> {
  let lines = 26_000;
  let gen = generateWorkspace({ seed: 1_000_000, lines, files: 1 });
  while (gen.files[1]!.text.length < 1_000_000) gen = generateWorkspace({ seed: 1_000_000, lines: (lines = Math.ceil(lines * 1.1)), files: 1 });
  const schema = gen.files[0]!;
  const big = gen.files[1]!;
  const root = gen.root;
  const textLines = big.text.split("\n");
  const capLine = textLines.findIndex((l) => l.startsWith("  cap "));
  if (capLine < 0) throw new Error("the generated 1 MB document has no `cap` line to edit");
  const textWith = (i: number) => {
    const copy = textLines.slice();
    copy[capLine] = `  cap ${i % 2 ? 5 : 1000 + i}`; // the length changes every edit: everything after it moves
    return copy.join("\n");
  };

  type Mode = "full" | "incremental";
  const state: Record<Mode, { check: CheckResult; pr: ParseResult }> = {} as never;
  for (const mode of ["full", "incremental"] as Mode[]) {
    const check = checkWorkspace({ root, files: [schema, big] }, { keepDeclarations: true });
    state[mode] = { check, pr: check.files.get(big.uri)! };
  }
  const diag: Record<Mode, number[]> = { full: [], incremental: [] };
  const parseOnly: Record<Mode, number[]> = { full: [], incremental: [] };
  const tokens: Record<Mode, number[]> = { full: [], incremental: [] };
  const provider = new SemanticTokensProvider();
  let fallbacks = 0;
  const warm = 3;
  for (let i = 0; i < edits + warm; i++) {
    const text = textWith(i + 1);
    // The two ways alternate edit by edit, so load on the machine hits both alike.
    for (const mode of ["full", "incremental"] as Mode[]) {
      gc();
      const s = state[mode];
      const t0 = now();
      const pr = mode === "full" ? parse(text, big.uri) : reparse(s.pr, text);
      const t1 = now();
      if (mode === "incremental" && lastFallback !== undefined) fallbacks++;
      const check = checkWorkspace({ root, files: [schema, { uri: big.uri, text, parsed: pr }] }, { previous: s.check, keepDeclarations: true });
      const n = check.diagnosticsOf(big.uri).length;
      const t2 = now();
      if (n === 0 && i === 0) throw new Error("no diagnostics for the 1 MB document: the check did not run");
      const st = provider.full("file:///big.crmrules", check.files.get(big.uri)!, check, big.uri);
      const t3 = now();
      if (st.data.length === 0) throw new Error("no semantic tokens for the 1 MB document");
      state[mode] = { check, pr: check.files.get(big.uri)! };
      if (i >= warm) {
        parseOnly[mode].push(t1 - t0);
        diag[mode].push(t2 - t0);
        tokens[mode].push(t3 - t2);
      }
    }
  }
  if (fallbacks > 0) throw new Error(`the incremental reparse fell back to a full parse on ${fallbacks} one-line edit(s)`);
  // The two ways must agree (the property test checks this in general; here on the measured edits).
  const a = state.full.check.diagnosticsOf(big.uri);
  const b = state.incremental.check.diagnosticsOf(big.uri);
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error("full and incremental checks disagree on the 1 MB document");

  const desc = `a generated rule file of ${textLines.length.toLocaleString("en-US")} lines (${(Buffer.byteLength(big.text) / 1e6).toFixed(2)} MB, seed 1000000) importing its schema, edited ${edits} times on one line (\`cap N\`; ${warm} warm-up edits discarded), full and incremental alternating`;
  const out: BenchResult[] = [];
  const pct = (name: string, title: string, xs: number[], target: number | null, how: string) => {
    const s = summarize(xs);
    const p95 = quantile([...xs].sort((x, y) => x - y), 0.95);
    out.push(
      result({ group: GROUP, name: `${name}.p50`, title: `${title}, p50`, unit: "ms", summary: s, target: null, how: `${how} Median of ${xs.length} edits (min–max over all of them).` }),
      result({ group: GROUP, name: `${name}.p95`, title: `${title}, p95`, unit: "ms", summary: { median: p95, min: s.min, max: s.max, samples: xs }, target: target === null ? null : { op: "<", value: target }, how: `95th percentile of the same ${xs.length} edits.` }),
    );
  };
  pct("reparse.full.parse", "Parse after a one-line edit, full parse", parseOnly.full, null, `\`parse(text)\` of ${desc}.`);
  pct("reparse.incremental.parse", "Parse after a one-line edit, incremental", parseOnly.incremental, null, "`reparse(previous, text)` (core/syntax/incremental.ts) on the same edits: the edited declaration lexed and parsed again, the following ones copied with shifted positions.");
  pct("reparse.full.diagnostics", "Diagnostics after a one-line edit, full parse", diag.full, null, "Parse as above, then `checkWorkspace` with the previous check and `diagnosticsOf` the document (what the server's workspace computes before publishing; journey expectations and JSON-RPC not included).");
  pct("reparse.incremental.diagnostics", "Diagnostics after a one-line edit, incremental", diag.incremental, 50, "The same with the incremental reparse handed to the check (`SourceFile.parsed`).");
  pct("reparse.full.semanticTokens", "Full semantic tokens after the edit, full parse", tokens.full, null, "The server's `SemanticTokensProvider.full` on the new check (the tokens are lexed on first use).");
  pct("reparse.incremental.semanticTokens", "Full semantic tokens after the edit, incremental", tokens.incremental, 50, "The same after the incremental reparse (the previous tokens spliced instead of lexing the document again).");
  return { results: out, skipped: [] };
}
