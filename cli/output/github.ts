/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), which
 * show up as annotations on the pull request's changed lines.
 */
import type { Range } from "../../core/text/positions.js";

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export type AnnotationLevel = "error" | "warning" | "notice";

export function annotation(level: AnnotationLevel, message: string, where?: { file: string; range?: Range; title?: string }): string {
  const props: string[] = [];
  if (where) {
    props.push(`file=${escapeProperty(where.file)}`);
    if (where.range) {
      const r = where.range;
      props.push(`line=${r.start.line + 1}`);
      if (r.end.line === r.start.line) {
        props.push(`endLine=${r.end.line + 1}`);
        props.push(`col=${r.start.character + 1}`);
        props.push(`endColumn=${Math.max(r.end.character, r.start.character + 1)}`);
      } else props.push(`endLine=${r.end.line + 1}`);
    }
    if (where.title) props.push(`title=${escapeProperty(where.title)}`);
  }
  return `::${level}${props.length ? " " + props.join(",") : ""}::${escapeData(message)}`;
}
