import type { Section } from "../section.js";
import { reparseBench, GROUP } from "../reparseBench.js";

export const reparseSection: Section = {
  id: "reparse",
  group: GROUP,
  intro:
    "The incremental reparse (core/syntax/incremental.ts) and a full parse side by side in one run, in-process, on the 1 MB document of the editor-latency group: the time from a one-line edit to the document's diagnostics (parse, then `checkWorkspace` with the previous check, as the server's workspace does) and of full semantic tokens (the server's provider) after it. Both ways must give the same diagnostics, or the run fails.",
  run: (ctx) => reparseBench(ctx.quick ? 10 : 30),
};
