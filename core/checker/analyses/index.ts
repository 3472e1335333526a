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
  const pr = b.files.get(uri);
  return pr ? analysesOf(b, uri)(decls ?? pr.file.decls) : [];
}

/** `fileAnalyses` for one file, its per-node visitors made once and run on any of its declarations. */
export function analysesOf(b: Binding, uri: string): (decls: readonly A.Decl[]) => Diagnostic[] {
  const pr = b.files.get(uri);
  let out: Diagnostic[] = [];
  if (!pr) return () => [];
  // The visitors push into `out`, which each run replaces.
  const sink: Diagnostic[] = [];
  const a = settingsVisitor(pr, uri, sink);
  const u = unreachableVisitor(b, uri, maxOfScore, sink);
  const visit = (n: A.Node) => (a(n), u(n));
  return (ds) => {
    out = [];
    settings(b, uri, out, ds);
    shadowedRoutes(b, uri, out, ds);
    uncoveredRoutes(b, uri, out, ds);
    consentGaps(b, uri, out, ds);
    visitNodes(ds, visit);
    for (const d of sink) out.push(d);
    sink.length = 0;
    return out;
  };
}
