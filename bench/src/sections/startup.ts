import type { Section } from "../section.js";
import { startupBench, STARTUP_GROUP } from "../lspBench.js";

export const startupSection: Section = {
  id: "startup",
  group: STARTUP_GROUP,
  intro: "How long until the editor gets answers after opening a folder.",
  run: (ctx) => startupBench(ctx.opt.serverJs, ctx.repo, ctx.quick ? 2 : 5),
};
