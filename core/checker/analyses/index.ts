/** Runs every domain analysis (one file each) after binding and typing; node-level checks share one walk per file. */
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Binding } from "../../binder/bind.js";
import type { Checker } from "../checker.js";
import { settings, settingsVisitor, walk } from "./settings.js";
import { shadowedRoutes } from "./shadowedRoutes.js";
import { uncoveredRoutes } from "./uncoveredRoutes.js";
import { scoreMaxima, unreachableVisitor, type MaxScore } from "./unreachableStages.js";
import { consentGaps } from "./consentGaps.js";

export function runAnalyses(b: Binding, c: Checker, maxima: Map<string, MaxScore>): Diagnostic[] {
  const out: Diagnostic[] = [...settings(b, c), ...shadowedRoutes(b), ...uncoveredRoutes(b), ...consentGaps(b)];
  const maxOf = scoreMaxima(b, maxima);
  for (const [uri, pr] of b.files) {
    const a = settingsVisitor(uri, out);
    const u = unreachableVisitor(b, uri, maxOf, out);
    walk(pr.file.decls, (n) => (a(n), u(n)));
  }
  return out;
}
