/** Runs every domain analysis (one file each) after binding and typing. */
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Binding } from "../../binder/bind.js";
import type { Checker } from "../checker.js";
import { settings } from "./settings.js";
import { shadowedRoutes } from "./shadowedRoutes.js";
import { uncoveredRoutes } from "./uncoveredRoutes.js";
import { unreachableStages, type MaxScore } from "./unreachableStages.js";
import { consentGaps } from "./consentGaps.js";

export function runAnalyses(b: Binding, c: Checker, maxima: Map<string, MaxScore>): Diagnostic[] {
  return [...settings(b, c), ...shadowedRoutes(b), ...uncoveredRoutes(b), ...unreachableStages(b, maxima), ...consentGaps(b)];
}
