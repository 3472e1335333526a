/**
 * `crmrules generate [paths…]`: a seeded, realistic synthetic event log (JSON Lines, the
 * format `simulate --events` reads) for the workspace's schema. Same seed, same log.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";
import { Command } from "commander";
import { compile } from "../../core/engine/index.js";
import { generateLog, ruleLiterals } from "../../runtime/bulk/generate.js";
import { ExitCode, UsageError } from "../exit.js";
import { loadWorkspace } from "../files.js";
import { reportProblems } from "../report.js";
import { checkFiles } from "../workspace.js";
import { rulesFile } from "../bulk.js";
import { openOutput } from "../atomicWrite.js";

interface GenerateOptions {
  leads: string;
  seed: string;
  eventsPerLead?: string;
  malformedEvery?: string;
  isoFrom?: string;
  from?: string;
  root?: string;
  out?: string;
}

function whole(flag: string, s: string | undefined, min: number, max: number): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`\`${flag} ${s}\` must be a whole number from ${min} to ${max}`);
  return n;
}

export function generateCommand(): Command {
  return new Command("generate")
    .description("write a seeded synthetic event log (JSON Lines) for the workspace's schema")
    .argument("[paths...]", "files or folders of the workspace", ["."])
    .option("--leads <n>", "how many leads", "1000")
    .option("--seed <n>", "the seed: the same seed gives the same log", "1")
    .option("--events-per-lead <n>", "average events per lead (default 12)")
    .option("--malformed-every <n>", "insert a malformed line after every N good lines (to test error reporting)")
    .option("--iso-from <date>", "write ISO times from this date instead of day offsets, e.g. 2026-01-05")
    .option("--from <file>", "the file whose visible declarations give the schema (default: the one that sees the most)")
    .option("--root <dir>", "the workspace root (default: the common folder of the paths)")
    .option("-o, --out <file>", "write the log to a file instead of standard output (`-`: standard output)")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules generate examples/acme --leads 100000 --seed 7 -o leads.jsonl   about 1.2 million events
  $ crmrules simulate examples/acme --events leads.jsonl
`,
    )
    .action(async (paths: string[], opts: GenerateOptions) => {
      process.exitCode = await runGenerate(paths, opts);
    });
}

async function runGenerate(paths: string[], opts: GenerateOptions): Promise<ExitCode> {
  const leads = whole("--leads", opts.leads, 1, 100_000_000)!;
  const seed = whole("--seed", opts.seed, 0, 2 ** 32 - 1)!;
  const eventsPerLead = whole("--events-per-lead", opts.eventsPerLead, 1, 10_000);
  const malformedEvery = whole("--malformed-every", opts.malformedEvery, 1, 100_000_000);
  if (opts.isoFrom !== undefined && Number.isNaN(Date.parse(opts.isoFrom))) throw new UsageError(`\`--iso-from ${opts.isoFrom}\` is not a date such as 2026-01-05`);
  const cwd = process.cwd();
  const ws = loadWorkspace(paths.length ? paths : ["."], { root: opts.root, cwd });
  reportProblems(ws.problems);
  const check = checkFiles(ws.root, ws.files);
  const fromUri = rulesFile(check, opts.from, cwd);
  const rules = compile(check, fromUri);
  // Values follow what the rules test: the literals of the files the rules file sees.
  const literals = ruleLiterals(check.visibleFiles(fromUri).map((u) => check.files.get(u)!.file));
  const file = opts.out ? openOutput(opts.out, cwd) : undefined;
  const out: Writable = file ? file.stream : process.stdout;
  try {
    await writeLog(out, {
      seed,
      leads,
      schema: rules,
      literals,
      eventsPerLead,
      malformedEvery,
      time: opts.isoFrom ? { isoFrom: opts.isoFrom } : "offsets",
    });
  } catch (e) {
    const failed = file?.failed();
    file?.abort();
    throw failed ?? e;
  }
  // Renamed over the target only when complete; a write error is a UsageError (exit code 2).
  if (file) await file.commit();
  return ws.problems.length ? ExitCode.Usage : ExitCode.Success;
}

async function writeLog(out: Writable, options: Parameters<typeof generateLog>[0]): Promise<void> {
  let chunk = "";
  for (const line of generateLog(options)) {
    chunk += line + "\n";
    if (chunk.length >= 1 << 16) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  if (chunk) out.write(chunk);
}
