/** SARIF building blocks shared by `check --format sarif` (checkSarif.ts) and `test --format sarif` (testSarif.ts): file locations and regions. */
import { pathToFileURL } from "node:url";
import type { ArtifactLocation } from "sarif";
import type { Range } from "../../core/text/positions.js";

export function withSlash(p: string): string {
  return p.endsWith("/") ? p : p + "/";
}

/** A file's SARIF location: relative to `base` (uriBaseId `%SRCROOT%`) when inside it, else an absolute file uri. */
export function sarifArtifact(uri: string, base: string): ArtifactLocation {
  if (uri.startsWith(withSlash(base))) return { uri: uri.slice(withSlash(base).length).split("/").map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
  return { uri: pathToFileURL(uri).href };
}

export function sarifRegion(r: Range) {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}
