/**
 * `crmrules`: the command line. A thin adapter over the core: it reads files,
 * calls the core and renders results; only it knows exit codes and terminals.
 */
import "./compat.js";
import { Command, CommanderError } from "commander";
import { colorsFor } from "./color.js";
import { ExitCode, UsageError } from "./exit.js";
import { VERSION } from "./version.js";
import { sanitize } from "./output/safe.js";
import { checkCommand } from "./commands/check.js";
import { fmtCommand } from "./commands/fmt.js";
import { lspCommand } from "./commands/lsp.js";
import { testCommand } from "./commands/test.js";
import { simulateCommand } from "./commands/simulate.js";
import { diffCommand } from "./commands/diff.js";
import { generateCommand } from "./commands/generate.js";
import { evalCommand } from "./commands/eval.js";
import { validateCommand } from "./commands/validate.js";
import { injectFault } from "../core/diagnostics/internalError.js";
import { applyConfig, loadConfig } from "./config.js";
import { lintCommand } from "./commands/lint.js";

export function program(): Command {
  const p = new Command("crmrules")
    .description("check, test, simulate and format CRM rules: lead scoring, routing and marketing consent")
    .version(VERSION, "-v, --version")
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules check                        find mistakes in every .crmrules file here
  $ crmrules test                         run every journey's expectations, with coverage
  $ crmrules simulate nordic --why route  why was this journey's lead routed there?
  $ crmrules simulate --events leads.jsonl
  $ crmrules eval --lead maria.json --why-not routed to owner ingrid
  $ crmrules diff main --format markdown  what this branch changes for the journeys
  $ crmrules fmt --check                  fail when a file is not formatted
  $ crmrules lint                         style: names in snake_case, unused imports, repeated numbers

Exit codes: 0 success, 1 findings or failed tests, 2 bad arguments or unreadable input.
Colour is used on a terminal unless NO_COLOR is set.
`,
    );
  for (const cmd of [checkCommand(), lintCommand(), testCommand(), simulateCommand(), evalCommand(), validateCommand(), diffCommand(), fmtCommand(), generateCommand(), lspCommand()]) p.addCommand(cmd);
  const c = colorsFor(process.stderr);
  const configure = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: (str, write) => write(c.red(sanitize(str))) });
    for (const sub of cmd.commands) configure(sub);
  };
  configure(p);
  // crmrules.json under every command line (cli/config.ts); the language server reads it itself.
  p.hook("preAction", (_p, cmd) => {
    const loaded = cmd.name() === "lsp" ? undefined : loadConfig(process.cwd());
    if (loaded) applyConfig(cmd, loaded);
  });
  return p;
}

async function main(argv: string[]): Promise<void> {
  // `crmrules … | head` closes the pipe early: stop quietly, as other command-line tools do.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  const c = colorsFor(process.stderr);
  // Test only: `CRMRULES_INJECT_FAULT=check:name.crmrules` makes that step throw, to prove the guard per file.
  injectFault(process.env["CRMRULES_INJECT_FAULT"]);
  try {
    await program().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      process.exitCode = e.exitCode === 0 ? ExitCode.Success : ExitCode.Usage;
      return;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`${c.red("crmrules:")} ${sanitize(e.message)}\n`);
      process.exitCode = ExitCode.Usage;
      return;
    }
    process.stderr.write(`${c.red("crmrules: internal error:")} ${sanitize(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    // Worker threads may still be alive: end here rather than hang.
    process.exit(ExitCode.Usage);
  }
}

void main(process.argv);
