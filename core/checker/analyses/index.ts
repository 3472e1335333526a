/** Runs every domain analysis (one file each) on one file after it is typed; node-level checks share one walk of the file. */
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Binding } from "../../binder/bind.js";
import type * as A from "../../syntax/ast.js";
import { visitNodes } from "../../syntax/walk.js";
import { settings, settingsVisitor } from "./settings.js";
import { shadowedRoutes } from "./shadowedRoutes.js";
import { uncoveredRoutes } from "./uncoveredRoutes.js";
import { maxOfScore } from "../../binder/scoreMaximum.js";
import { unreachableVisitor } from "./unreachableStages.js";
import { consentGaps } from "./consentGaps.js";

/**
 * The analyses of some of a file's declarations (all of them by default):
 * their results depend on those declarations and the names they look up in the
 * files the file sees (check.ts runs them one top-level declaration at a time).
 */
export function fileAnalyses(b: Binding, uri: string, decls?: readonly A.Decl[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pr = b.files.get(uri);
  if (!pr) return out;
  const ds = decls ?? pr.file.decls;
  settings(b, uri, out, ds);
  shadowedRoutes(b, uri, out, ds);
  uncoveredRoutes(b, uri, out, ds);
  consentGaps(b, uri, out, ds);
  const a = settingsVisitor(pr, uri, out);
  const u = unreachableVisitor(b, uri, maxOfScore, out);
  visitNodes(ds, (n) => (a(n), u(n)));
  return out;
}
