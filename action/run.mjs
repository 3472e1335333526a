// The first step of the crmrules GitHub Action (action.yml): runs `crmrules check`
// (SARIF), `crmrules test` (JUnit) and, when there is a base to compare with,
// `crmrules diff` (markdown), each into a file under $RUNNER_TEMP/crmrules, and
// writes their paths and exit codes as step outputs. It never fails itself: the
// action's last step fails the job from the exit codes, after the uploads.
// Plain Node (20 or later), no dependencies: it runs on the runner as it is.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const env = process.env;
const workspace = env.GITHUB_WORKSPACE || process.cwd();
const rules = env.CRMRULES_PATH || ".";
const outDir = path.join(env.RUNNER_TEMP || workspace, "crmrules");
mkdirSync(outDir, { recursive: true });

function log(line) {
  process.stdout.write(line + "\n");
}

function output(name, value) {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
  else log(`output ${name}=${value}`);
}

/** The crmrules command as [program, ...args]. */
function resolveCli() {
  if (env.CRMRULES_CLI) return ["bash", "-c", `${env.CRMRULES_CLI} "$@"`, "crmrules"];
  const local = path.join(workspace, "node_modules", ".bin", "crmrules");
  if (existsSync(local)) return [local];
  const own = env.CRMRULES_ACTION_PATH;
  if (!own) throw new Error("crmrules is not installed (run `npm ci` first, or set the action's `cli` input)");
  const cli = path.join(own, "dist", "cli.js");
  if (!existsSync(cli)) {
    log(`::group::building crmrules in ${own}`);
    for (const args of [["ci", "--no-audit", "--no-fund"], ["run", "build", "--", "--production"]]) {
      const r = spawnSync("npm", args, { cwd: own, stdio: "inherit" });
      if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed in ${own}`);
    }
    log("::endgroup::");
  }
  return [process.execPath, cli];
}

/** Runs crmrules with `args`, standard output into `file`; returns the exit code. */
function crmrules(cli, args, file) {
  log(`$ crmrules ${args.join(" ")} > ${file}`);
  const r = spawnSync(cli[0], [...cli.slice(1), ...args], { cwd: workspace, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...env, NO_COLOR: "1" } });
  if (r.error) throw r.error;
  writeFileSync(file, r.stdout ?? "");
  if (r.stderr) process.stdout.write(r.stderr);
  log(`exit code ${r.status}`);
  return r.status ?? 1;
}

let cli;
try {
  cli = resolveCli();
} catch (e) {
  log(`::error title=crmrules::${e.message}`);
  output("check-exit-code", 2);
  output("test-exit-code", 2);
  process.exit(0);
}

const sarif = path.join(outDir, "crmrules.sarif");
const junit = path.join(outDir, "crmrules-junit.xml");
const diff = path.join(outDir, "crmrules-diff.md");

const checkCode = crmrules(cli, ["check", rules, "--format", "sarif", "--fail-level", env.CRMRULES_FAIL_LEVEL || "error"], sarif);
output("check-exit-code", checkCode);
output("sarif-file", sarif);

const testArgs = ["test", rules, "--format", "junit"];
if (env.CRMRULES_MIN_COVERAGE) testArgs.push("--min-coverage", env.CRMRULES_MIN_COVERAGE);
const testCode = crmrules(cli, testArgs, junit);
output("test-exit-code", testCode);
output("junit-file", junit);

const base = env.CRMRULES_BASE || (env.CRMRULES_BASE_REF ? `origin/${env.CRMRULES_BASE_REF}` : "");
if (base) {
  const full = path.join(outDir, "crmrules-diff-full.md");
  const diffArgs = ["diff", base, "HEAD", "-C", rules, "--format", "markdown", "--out-full", full];
  const linkBase = linkBaseUrl();
  if (linkBase) diffArgs.push("--link-base", linkBase);
  const diffCode = crmrules(cli, diffArgs, diff);
  output("diff-exit-code", diffCode);
  // 2: the base could not be read (no such revision: fetch-depth 0 missing?): no comment then.
  output("diff-file", diffCode === 2 ? "" : diff);
  output("diff-full-file", diffCode === 2 ? "" : full);
  if (diffCode === 2) log(`::warning title=crmrules diff::could not compare with ${base}; with actions/checkout, set fetch-depth: 0`);
  else if (env.GITHUB_STEP_SUMMARY && existsSync(full)) appendFileSync(env.GITHUB_STEP_SUMMARY, readFileSync(full, "utf8") + "\n");
} else {
  log("no base revision to compare with (not a pull request and no `base` input): no diff");
  output("diff-file", "");
  output("diff-full-file", "");
}

/** Links from the comment to the pull request's head: SERVER/OWNER/REPO/blob/HEAD_SHA/PATH. */
function linkBaseUrl() {
  if (!env.GITHUB_SERVER_URL || !env.GITHUB_REPOSITORY || !env.GITHUB_EVENT_PATH || !existsSync(env.GITHUB_EVENT_PATH)) return "";
  const sha = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")).pull_request?.head?.sha ?? env.GITHUB_SHA;
  if (!sha) return "";
  const folder = path.posix.normalize(rules.split(path.sep).join("/")).replace(/^\.\/?|\/$/g, "");
  return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${sha}${folder ? "/" + folder : ""}`;
}
