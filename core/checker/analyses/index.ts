/** Runs every domain analysis (one file each) after binding and typing. */
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Binding } from "../../binder/bind.js";
import type { Checker } from "../checker.js";
import { settings } from "./settings.js";

export function runAnalyses(b: Binding, c: Checker): Diagnostic[] {
  return [...settings(b, c)];
}
