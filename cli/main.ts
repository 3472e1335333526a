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
import { injectFault } from "../core/diagnostics/internalError.js";
import { applyConfig, loadConfig } from "./config.js";

/**
 * Every command, in the order of `crmrules --help`, each loaded only when it runs: a command
 * line naming one (`crmrules check …`) loads that command's module and what it imports, not the
 * language server, the bulk runtime or the other commands' output formats (BENCHMARKS.md,
 * "Commands as a user runs them"). Help, `help <command>` and a misspelt name load them all.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import("./commands/check.js")).checkCommand(),
  lint: async () => (await import("./commands/lint.js")).lintCommand(),
  test: async () => (await import("./commands/test.js")).testCommand(),
  simulate: async () => (await import("./commands/simulate.js")).simulateCommand(),
  merge: async () => (await import("./commands/merge.js")).mergeCommand(),
  eval: async () => (await import("./commands/eval.js")).evalCommand(),
  validate: async () => (await import("./commands/validate.js")).validateCommand(),
  diff: async () => (await import("./commands/diff.js")).diffCommand(),
  fmt: async () => (await import("./commands/fmt.js")).fmtCommand(),
  generate: async () => (await import("./commands/generate.js")).generateCommand(),
  lsp: async () => (await import("./commands/lsp.js")).lspCommand(),
};

/** The commands a command line needs: the one it names, none for the version, else every one (help, a misspelling, none). */
export function commandsFor(argv: readonly string[]): string[] {
  const name = argv[2];
  if (name === "-v" || name === "--version") return [];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
}

export async function program(commands: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
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
  for (const cmd of await Promise.all(commands.map((name) => COMMANDS[name]!()))) p.addCommand(cmd);
  const c = colorsFor(process.stderr);
  const configure = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: (str, write) => write(c.red(sanitize(str))) });
    for (const sub of cmd.commands) configure(sub);
  };
  configure(p);
  // crmrules.json under every command line (cli/config.ts); the language server reads it itself.
  p.hook("preAction", async (_p, cmd) => {
    const loaded = cmd.name() === "lsp" ? undefined : await loadConfig(process.cwd());
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
    await (await program(commandsFor(argv))).parseAsync(argv);
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
