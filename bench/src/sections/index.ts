/**
 * Every benchmark section, in the order of BENCHMARKS.md and of the run. To add one: write
 * `bench/src/sections/<id>.ts` exporting a `Section` (bench/src/section.ts) and add it here,
 * one line; `--only <id>` then runs it alone.
 */
import type { Section } from "../section.js";
import { parseSection } from "./parse.js";
import { processSection } from "./process.js";
import { lspSection } from "./lsp.js";
import { reparseSection } from "./reparse.js";
import { simSection } from "./sim.js";
import { bulkSection } from "./bulk.js";
import { sqlSection } from "./sql.js";
import { routingSection } from "./routing.js";
import { startupSection } from "./startup.js";
import { daskSection } from "./dask.js";

export const SECTIONS: readonly Section[] = [
  parseSection,
  processSection,
  lspSection,
  reparseSection,
  simSection,
  bulkSection,
  sqlSection,
  routingSection,
  startupSection,
  daskSection,
];
