/**
 * The one golden-file comparison every golden suite uses (diagnostics,
 * traces, formatter, grammar scopes, CLI output):
 *
 *  - the actual text equals the file: the test passes;
 *  - it differs: the test fails with a line diff of the two (a few lines of
 *    context, line numbers, invisible differences named), not two walls of text;
 *  - `UPDATE_GOLDEN=1` writes the actual text instead (creating folders), to be
 *    reviewed in the diff of the commit;
 *  - a missing golden file fails (there is nothing to compare with): locally
 *    the message says how to create it; under CI (`CI` set) rewriting is
 *    refused too, so CI never passes by writing its own expectations.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CONTEXT = 3;
/** Above this many line pairs (after the common start and end), the diff shows the first differing line only. */
const MAX_DIFF_CELLS = 4_000_000;

export class GoldenMismatch extends Error {
  override name = "GoldenMismatch";
}

const truthy = (v: string | undefined) => v !== undefined && v !== "" && v !== "0" && v !== "false";
export const updating = (): boolean => process.env.UPDATE_GOLDEN === "1";
export const inCI = (): boolean => truthy(process.env.CI);

/**
 * Compares `actual` with the golden file `file` (absolute, or relative to the
 * repository), or writes it under `UPDATE_GOLDEN=1`.
 */
export function golden(file: string, actual: string): void {
  const path = isAbsolute(file) ? file : resolve(REPO, file);
  const shown = relative(REPO, path);
  if (updating()) {
    if (inCI()) throw new GoldenMismatch(`UPDATE_GOLDEN=1 under CI: golden files are never rewritten in CI (${shown})`);
    if (!existsSync(path) || readFileSync(path, "utf8") !== actual) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, actual);
    }
    return;
  }
  if (!existsSync(path)) throw new GoldenMismatch(`golden file ${shown} is missing${inCI() ? " (CI never creates one)" : ""}: run \`UPDATE_GOLDEN=1 npx vitest run <this test file>\` and review it`);
  const expected = readFileSync(path, "utf8");
  if (expected === actual) return;
  throw new GoldenMismatch(`output differs from golden file ${shown} (UPDATE_GOLDEN=1 rewrites it; review the diff):\n${lineDiff(expected, actual)}`);
}

/**
 * A unified-style diff of two texts by lines ("-" expected, "+" actual), with
 * `CONTEXT` lines around each change and the expected text's line numbers.
 */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const notes: string[] = [];
  if (expected.replace(/\r\n/g, "\n") === actual.replace(/\r\n/g, "\n")) notes.push("(the texts differ only in line breaks: CRLF against LF)");
  else if (expected.replace(/\n+$/, "") === actual.replace(/\n+$/, "")) notes.push("(the texts differ only in line breaks at the end)");
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  let ops: { op: " " | "-" | "+"; line: string }[];
  if (midA.length * midB.length > MAX_DIFF_CELLS) {
    ops = [
      { op: "-", line: midA[0] ?? "" },
      { op: "+", line: midB[0] ?? "" },
    ];
    notes.push(`(too many differing lines for a full diff: the first difference only)`);
  } else ops = lcsOps(midA, midB);
  const all = [...a.slice(0, start).map((line) => ({ op: " " as const, line })), ...ops, ...a.slice(endA).map((line) => ({ op: " " as const, line }))];
  // Hunks: the changed lines with CONTEXT unchanged lines around them.
  const show = new Array<boolean>(all.length).fill(false);
  all.forEach((x, i) => {
    if (x.op !== " ") for (let k = Math.max(0, i - CONTEXT); k <= Math.min(all.length - 1, i + CONTEXT); k++) show[k] = true;
  });
  const out: string[] = [];
  let lineA = 0;
  let gap = true;
  all.forEach((x, i) => {
    if (x.op !== "+") lineA++;
    if (!show[i]) {
      gap = true;
      return;
    }
    if (gap) out.push(`@@ line ${x.op === "+" ? lineA + 1 : lineA} @@`);
    gap = false;
    out.push(`${x.op} ${visible(x.line)}`);
  });
  return [...out, ...notes].join("\n");
}

/** Makes trailing blanks, tabs and carriage returns seen. */
function visible(line: string): string {
  return line.replace(/\r$/, "␍").replace(/\t/g, "→").replace(/ +$/, (s) => "·".repeat(s.length));
}

/** The shortest edit script between two line lists (dynamic programming on their longest common subsequence). */
function lcsOps(a: string[], b: string[]): { op: " " | "-" | "+"; line: string }[] {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const len = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) len[i * w + j] = a[i] === b[j] ? len[(i + 1) * w + j + 1]! + 1 : Math.max(len[(i + 1) * w + j]!, len[i * w + j + 1]!);
  const ops: { op: " " | "-" | "+"; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: " ", line: a[i]! });
      i++;
      j++;
    } else if (i < n && (j === m || len[(i + 1) * w + j]! >= len[i * w + j + 1]!)) ops.push({ op: "-", line: a[i++]! });
    else ops.push({ op: "+", line: b[j++]! });
  }
  return ops;
}
