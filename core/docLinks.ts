/**
 * Addresses of the project's documentation: the home of every link the CLI
 * (SARIF `helpUri`) and the language server (`codeDescription.href`, hover
 * links into the spec) give to a user. Pure: package.json is bundled in.
 */
import pkg from "../package.json";

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

/** The address of a lint rule's section in docs/lint.md (its heading is `CODE — name`). */
export function lintHelpUri(code: string, name: string): string {
  return `${HOMEPAGE}/blob/main/docs/lint.md#${headingAnchor(`${code} — ${name}`)}`;
}

/** The address of a section of the language reference, docs/language.md, by its heading (which must be unique there). */
export function specSectionUri(heading: string): string {
  return `${HOMEPAGE}/blob/main/docs/language.md#${headingAnchor(heading)}`;
}
