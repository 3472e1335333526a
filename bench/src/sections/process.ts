import type { Section } from "../section.js";
import { processBench, firstParseMs, GROUP } from "../processBench.js";
import { parse } from "../../../core/syntax/parse.js";

export const processSection: Section = {
  id: "process",
  group: GROUP,
  intro:
    "What a user waits for: the CLI as the package ships it (`scripts/build.mjs --production` into a temporary folder; the bin `dist/cli.js`) started as a new process for each run, on the same Node as the benchmark, beside an empty `node -e 0`. Compare the 100k-line check with the in-process `check.full.ms` of the parse-and-check group: the difference is Node's start, loading the CLI, reading the files and printing the report.",
  run: (ctx) => processBench({ repo: ctx.repo, mainJs: ctx.mainJs, rounds: ctx.quick ? 2 : 7, quick: ctx.quick }),
  async child(args) {
    if (args[0] !== "parser") throw new Error(`the process section has no child mode ${args[0]}`);
    console.log(JSON.stringify({ ms: firstParseMs(parse) }));
  },
};
