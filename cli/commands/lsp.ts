/** `crmrules lsp --stdio`: the language server, for editors other than VS Code. */
import { Command } from "commander";
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "../../server/src/server.js";
import { UsageError } from "../exit.js";

export function lspCommand(): Command {
  return new Command("lsp")
    .description("start the crmrules language server (diagnostics, completion, hover, rename… for any LSP editor)")
    .option("--stdio", "talk over standard input and output (the only transport of this command)")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules lsp --stdio

Neovim:  vim.lsp.start({ name = "crmrules", cmd = { "crmrules", "lsp", "--stdio" } })
`,
    )
    .action((opts: { stdio?: boolean }) => {
      if (!opts.stdio) throw new UsageError("`crmrules lsp` needs `--stdio` (the language server talks over standard input and output)");
      const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
      process.on("uncaughtException", (e) => connection.console.error(`unexpected error: ${e.stack ?? String(e)}`));
      startServer(connection);
    });
}
