/** `crmrules fmt [paths…]`: rewrite files in the canonical layout (like prettier / gofmt). */
import { Command } from "commander";
import { format } from "../../core/format/format.js";
import { colorsFor } from "../color.js";
import { ExitCode, UsageError } from "../exit.js";
import { decodeText, displayPath, loadWorkspace, toPosix } from "../files.js";
import { createTwoFilesPatch } from "diff";
import { reportProblems, worst, write, writeJson, writeText } from "../report.js";
import { OutputError, writeFileAtomic } from "../atomicWrite.js";
import { guarded, internalErrorMessage } from "../../core/diagnostics/internalError.js";
import { inflect, plural } from "../../core/text/words.js";

interface FmtOptions {
  check?: boolean;
  diff?: boolean;
  stdin?: boolean;
  stdinFilepath?: string;
  indent: string;
  /** From crmrules.json `format` (cli/config.ts); no command-line flag. */
  alignRuleColons?: boolean;
  maxLineLength?: number;
}

export function fmtCommand(): Command {
  return new Command("fmt")
    .description("format .crmrules files in place in the one canonical layout")
    .argument("[paths...]", "files or folders to format", ["."])
    .option("--check", "change nothing: list the files that are not formatted and exit with 1 if there are any")
    .option("--diff", "change nothing: print a unified diff of what formatting would change, exit with 1 if anything would")
    .option("--stdin", "format the text read from standard input and write it to standard output")
    .option("--stdin-filepath <path>", "with --stdin (implied): the file the text stands for, named in messages and in --diff")
    .option("--indent <spaces>", "spaces per indentation level (default: crmrules.json `format.indentSize`, else 2)", "2")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules fmt                      format every .crmrules file under the current folder
  $ crmrules fmt --check              in CI: fail when a file is not formatted
  $ cat rules.crmrules | crmrules fmt --stdin
  $ crmrules fmt --diff               what formatting would change, as a patch

Lines with a syntax error are left exactly as written.
`,
    )
    .action(async (paths: string[], opts: FmtOptions) => {
      process.exitCode = await runFmt(paths, opts);
    });
}

function indentOf(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new UsageError(`\`--indent ${s}\` must be a whole number of spaces from 1 to 8`);
  return n;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A unified diff from `before` to `after` of one file (`--- a/NAME`, `+++ b/NAME`), empty when equal. */
export function unifiedDiff(name: string, before: string, after: string): string {
  if (before === after) return "";
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 3 }).replace(/^=+\n/, "");
}

export async function runFmt(paths: string[], opts: FmtOptions): Promise<ExitCode> {
  const indent = indentOf(opts.indent);
  const layout = { indent, ...(opts.alignRuleColons !== undefined ? { alignRuleColons: opts.alignRuleColons } : {}), ...(opts.maxLineLength !== undefined ? { maxLineLength: opts.maxLineLength } : {}) };
  if (opts.check && opts.diff) throw new UsageError("`--check` lists the files and `--diff` shows the changes: pick one");
  if (opts.stdin || opts.stdinFilepath !== undefined) {
    const name = opts.stdinFilepath !== undefined ? toPosix(opts.stdinFilepath) : "standard input";
    const r = decodeText(await readStdin());
    if (!r.ok) {
      reportProblems([{ input: name, message: r.message }]);
      return ExitCode.Usage;
    }
    const out = guarded("format", name, () => format(r.text, layout), (e) => {
      reportProblems([{ input: name, message: `CR9001 ${internalErrorMessage("format", e)}` }]);
      return undefined;
    });
    if (out === undefined) return ExitCode.Usage;
    if (opts.diff) {
      writeText(unifiedDiff(opts.stdinFilepath !== undefined ? name : "stdin.crmrules", r.text, out));
      return out !== r.text ? ExitCode.Findings : ExitCode.Success;
    }
    write(out);
    return opts.check && out !== r.text ? ExitCode.Findings : ExitCode.Success;
  }
  const cwd = process.cwd();
  const ws = loadWorkspace(paths, { cwd });
  const problems = [...ws.problems];
  const c = colorsFor(process.stdout);
  const changed: string[] = [];
  for (const f of ws.files) {
    const name = displayPath(f.uri, cwd);
    // The guard per file: an internal error formatting one file leaves it as it is, says so, and the others are formatted.
    const out = guarded("format", f.uri, () => format(f.text, layout), (e) => {
      problems.push({ input: name, message: `CR9001 ${internalErrorMessage("format", e)}` });
      return f.text;
    });
    if (out === f.text) continue;
    if (opts.diff) {
      writeText(unifiedDiff(name, f.text, out));
      changed.push(name);
      continue;
    }
    if (opts.check) {
      changed.push(name);
      continue;
    }
    try {
      // Through a temporary file: an interrupted run never leaves a half-written rules file.
      writeFileAtomic(f.uri, out, undefined, { followLinks: true });
      changed.push(name);
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      problems.push({ input: name, message: e.reason });
    }
  }
  reportProblems(problems);
  if (opts.check || opts.diff) {
    if (opts.check) for (const n of changed) writeText(`${n}\n`);
    process.stderr.write(
      changed.length
        ? `${c.yellow(`${changed.length} of ${plural(ws.files.length, "file")} ${inflect(ws.files.length, "is", "are")} not formatted`)} (run \`crmrules fmt\`)\n`
        : `${c.green(`all ${plural(ws.files.length, "file")} ${inflect(ws.files.length, "is", "are")} formatted`)}\n`,
    );
  } else {
    for (const n of changed) writeText(`formatted ${n}\n`);
    process.stderr.write(`${changed.length} of ${plural(ws.files.length, "file")} changed\n`);
  }
  return worst((opts.check || opts.diff) && changed.length ? ExitCode.Findings : ExitCode.Success, problems.length ? ExitCode.Usage : ExitCode.Success);
}
