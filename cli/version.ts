/** The CLI's version and home (from package.json), reported by `--version` and in SARIF and JSON output. */
import pkg from "../package.json";
export const VERSION: string = pkg.version;

/** The project's web address, from package.json's `repository` (`git+https://…/x.git` → `https://…/x`). */
export const HOMEPAGE: string = pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");
}

/** The address of a code's section in docs/diagnostics.md (its heading is `CODE — title`). */
export function diagnosticHelpUri(code: string, title: string): string {
  return `${HOMEPAGE}/blob/main/docs/diagnostics.md#${headingAnchor(`${code} — ${title}`)}`;
}
