import type { Section } from "../section.js";
import { lspBench, LATENCY_GROUP } from "../lspBench.js";

export const lspSection: Section = {
  id: "lsp",
  group: LATENCY_GROUP,
  intro:
    "The real language server (`node dist/server.js --stdio`) driven over JSON-RPC by a `vscode-languageserver-protocol` client, on a generated workspace of 500 files written to a temporary folder. Each request is sent alone and timed from send to answer; 10 warm-up requests are discarded.",
  run: (ctx) => lspBench(ctx.opt.serverJs, ctx.quick ? 20 : 200),
};
