// Installs what the Dask suite needs, once: Debian's python3-distributed (Dask distributed
// 2022.12 for /usr/bin/python3), with apt-get and no prompt, as test/e2e/setup.mjs installs
// Chromium. An installed package is kept (dpkg knows it), so later runs skip the step.
// Run as root (CI) or with password-less sudo; stdin is never read (CI has none).
import { execFileSync, spawnSync } from "node:child_process";

const PACKAGE = "python3-distributed";

function log(msg) {
  process.stderr.write(`[dask setup] ${msg}\n`);
}

function installed(pkg) {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

/** The Python that imports distributed (the CLI looks the same way: CRMRULES_PYTHON, python3, /usr/bin/python3). */
export function daskPython() {
  for (const py of [process.env.CRMRULES_PYTHON, "python3", "/usr/bin/python3"].filter(Boolean)) {
    if (spawnSync(py, ["-c", "import distributed"], { stdio: "ignore" }).status === 0) return py;
  }
  return undefined;
}

export function ensureDask() {
  if (!installed(PACKAGE)) {
    const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
    const apt = (args) => {
      const [cmd, ...rest] = [...sudo, "apt-get", ...args];
      execFileSync(cmd, rest, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    };
    log(`installing ${PACKAGE} with apt-get`);
    try {
      apt(["install", "-y", "--no-install-recommends", PACKAGE]);
    } catch {
      apt(["update"]);
      apt(["install", "-y", "--no-install-recommends", PACKAGE]);
    }
  }
  const py = daskPython();
  if (!py) throw new Error(`${PACKAGE} is installed but no python3 imports distributed`);
  return py;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const py = ensureDask();
  log(`ready: ${py} imports distributed`);
}
