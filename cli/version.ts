/** The CLI's version (from package.json), reported by `--version` and in SARIF and JSON output. */
import pkg from "../package.json";
export const VERSION: string = pkg.version;

// The project's address and its documentation links live in core/docLinks.ts (shared with the language server).
export { HOMEPAGE, headingAnchor, diagnosticHelpUri } from "../core/docLinks.js";
