/**
 * dist/cli.js, the `crmrules` bin: a few lines that turn on V8's compile cache and then load
 * the command line itself (cli/main.ts, bundled to dist/cli-main.js). The cache keeps the
 * compiled code of dist/cli-main.js between runs (in the folder NODE_COMPILE_CACHE names, else
 * Node's default under the temporary folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so a
 * second run does not compile the bundle again. It exists from Node 22.1; on older Nodes (the
 * CLI supports Node 20) the bundle is compiled as before. It must be turned on before the bundle
 * is loaded, which is why this is a file of its own.
 */
import * as nodeModule from "node:module";

const withCache = nodeModule as { enableCompileCache?: (dir?: string) => unknown };
try {
  withCache.enableCompileCache?.();
} catch {
  // A cache that cannot be set up (e.g. a read-only temporary folder) only costs speed.
}
require("./cli-main.js");
