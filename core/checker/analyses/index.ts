/** Runs every domain analysis (one file each) on one file after it is typed; node-level checks share one walk of the file. */
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Binding } from "../../binder/bind.js";
import { visitNodes } from "../../syntax/walk.js";
import { settings, settingsVisitor } from "./settings.js";
import { shadowedRoutes } from "./shadowedRoutes.js";
import { uncoveredRoutes } from "./uncoveredRoutes.js";
import { maxOfScore } from "../../binder/scoreMaximum.js";
import { unreachableVisitor } from "./unreachableStages.js";
import { consentGaps } from "./consentGaps.js";

/** The analyses of one file: their results depend on the file and the files it sees. */
export function fileAnalyses(b: Binding, uri: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  settings(b, uri, out);
  shadowedRoutes(b, uri, out);
  uncoveredRoutes(b, uri, out);
  consentGaps(b, uri, out);
  const pr = b.files.get(uri);
  if (!pr) return out;
  const a = settingsVisitor(pr, uri, out);
  const u = unreachableVisitor(b, uri, maxOfScore, out);
  visitNodes(pr.file.decls, (n) => (a(n), u(n)));
  return out;
}
