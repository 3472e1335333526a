/** The CLI's version (from package.json), reported by `--version` and in SARIF and JSON output. */
import pkg from "../package.json";
export const VERSION: string = pkg.version;
