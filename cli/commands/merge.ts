/**
 * `crmrules merge PART…`: the parts written by `simulate --events SRC --shard I/N` combined into
 * exactly what `simulate --events SRC` writes on one machine (docs/distributed.md): the outcomes
 * (`--out`) in the source's order and the same summary. Parts of different sources, rules, seeds
 * or shard counts, a missing or repeated shard and an incomplete part are refused.
 */
import { Command, Option } from "commander";
import { mergeParts } from "../distributed.js";

interface MergeOptions {
  out?: string;
  format: "text" | "json";
  strict?: boolean;
}

export function mergeCommand(): Command {
  return new Command("merge")
    .description("combine the parts of a sharded replay (`simulate --events SRC --shard I/N`) into the outcomes and summary of one replay")
    .argument("<parts...>", "the part files, one per shard (in any order)")
    .option("--out <file>", "write each lead's outcome as a JSON line to this file, in the source's order (`-`: standard output, and the summary goes to standard error)")
    .addOption(new Option("-f, --format <format>", "summary format").choices(["text", "json"]).default("text"))
    .option("--strict", "exit with 1 when any record or value of the data had a problem, as `simulate --events --strict` does")
    .addHelpText(
      "after",
      `
Examples:
  $ crmrules simulate --events log.jsonl --shard 0/2 --out part-0.jsonl
  $ crmrules simulate --events log.jsonl --shard 1/2 --out part-1.jsonl
  $ crmrules merge part-0.jsonl part-1.jsonl --out outcomes.jsonl
`,
    )
    .action(async (parts: string[], opts: MergeOptions) => {
      process.exitCode = await mergeParts(parts, opts);
    });
}
