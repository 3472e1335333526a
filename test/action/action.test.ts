/**
 * The GitHub Action (issue 19 item 2): action.yml's steps run locally (through
 * test/action/runner.ts) against a temporary git repository with a pull
 * request's base and head, and a fake GitHub API on 127.0.0.1. The SARIF and
 * JUnit files handed to the upload steps are validated; the pull-request
 * comment is created once and then updated in place, found by its marker.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, FIXTURES, REPO } from "../cli/harness.js";
import { validateJUnit, validateSarif } from "../cli/schemas.js";
import { loadAction, runAction, evaluate } from "./runner.js";
// @ts-expect-error a plain ES module without types
import { commentBody, marker, MAX_BODY } from "../../action/comment.mjs";

const ACTION = loadAction(path.join(REPO, "action.yml"));
const TOKEN = "test-token";

interface Comment {
  id: number;
  body: string;
  html_url: string;
}

/** A fake of the three GitHub REST calls the comment step makes, for one pull request. */
class FakeGitHub {
  comments: Comment[] = [];
  requests: { method: string; url: string; auth?: string }[] = [];
  server!: Server;
  private next = 1000;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let data = "";
      req.on("data", (d) => (data += d));
      req.on("end", () => {
        this.requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: "Bad credentials" });
        const u = new URL(req.url!, "http://x");
        const list = /^\/repos\/acme\/rules\/issues\/7\/comments$/.exec(u.pathname);
        const one = /^\/repos\/acme\/rules\/issues\/comments\/(\d+)$/.exec(u.pathname);
        if (list && req.method === "GET") {
          const per = Number(u.searchParams.get("per_page") ?? 30);
          const page = Number(u.searchParams.get("page") ?? 1);
          return send(200, this.comments.slice((page - 1) * per, page * per));
        }
        if (list && req.method === "POST") {
          const c = { id: this.next++, body: JSON.parse(data).body, html_url: "" };
          c.html_url = `https://github.example/acme/rules/pull/7#issuecomment-${c.id}`;
          this.comments.push(c);
          return send(201, c);
        }
        if (one && req.method === "PATCH") {
          const c = this.comments.find((x) => x.id === Number(one[1]));
          if (!c) return send(404, { message: "Not Found" });
          c.body = JSON.parse(data).body;
          return send(200, c);
        }
        send(404, { message: "Not Found" });
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

const git = (args: string[], cwd: string) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });

let gh: FakeGitHub;
let repo: string;
let cli: string;

beforeAll(async () => {
  cli = await buildCli();
  gh = new FakeGitHub();
  await gh.start();
  // 100 comments by others first, so the action's own lands on the second page.
  for (let i = 0; i < 100; i++) gh.comments.push({ id: i + 1, body: `looks good ${i}`, html_url: "" });
  repo = mkdtempSync(path.join(tmpdir(), "crmrules-action-repo-"));
  git(["init", "-q", "-b", "main"], repo);
  cpSync(path.join(FIXTURES, "acme-v1"), path.join(repo, "rules"), { recursive: true });
  git(["add", "."], repo);
  git(["commit", "-q", "-m", "rules v1"], repo);
  git(["update-ref", "refs/remotes/origin/main", "main"], repo); // as actions/checkout with fetch-depth 0 leaves it
  git(["checkout", "-q", "-b", "change"], repo);
  rmSync(path.join(repo, "rules"), { recursive: true });
  cpSync(path.join(FIXTURES, "acme-v2"), path.join(repo, "rules"), { recursive: true });
  writeFileSync(path.join(repo, "rules/broken.crmrules"), "import \"schema.crmrules\"\nstage zombie when fitt >= 10\n");
  git(["add", "-A"], repo);
  git(["commit", "-q", "-m", "rules v2"], repo);
});

afterAll(() => gh?.server.close());

async function runOnPullRequest(inputs: Record<string, string> = {}) {
  const event = path.join(mkdtempSync(path.join(tmpdir(), "crmrules-event-")), "event.json");
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { ref: "main" }, head: { sha: git(["rev-parse", "HEAD"], repo).trim() } } }));
  const runnerTemp = mkdtempSync(path.join(tmpdir(), "crmrules-runner-temp-"));
  return await runAction(ACTION, {
    actionPath: REPO,
    workspace: repo,
    inputs: { path: "rules", cli: `"${process.execPath}" "${cli}"`, ...inputs },
    github: { token: TOKEN, base_ref: "main", event_name: "pull_request" },
    env: { GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: "https://github.example", GITHUB_REPOSITORY: "acme/rules", GITHUB_EVENT_PATH: event, RUNNER_TEMP: runnerTemp, GITHUB_STEP_SUMMARY: path.join(runnerTemp, "summary.md") },
  });
}

describe("action.yml", () => {
  it("is a composite action whose scripts exist, uploading with code scanning's and the JUnit reporter's actions", () => {
    expect(ACTION.runs.using).toBe("composite");
    const uses = ACTION.runs.steps.filter((s) => s.uses).map((s) => s.uses);
    expect(uses).toEqual(["github/codeql-action/upload-sarif@v3", "mikepenz/action-junit-report@v4"]);
    for (const s of ACTION.runs.steps.filter((x) => x.run)) {
      for (const m of s.run!.matchAll(/\$CRMRULES_ACTION_PATH\/([\w/.-]+)/g)) expect(readFileSync(path.join(REPO, m[1]!), "utf8").length).toBeGreaterThan(0);
    }
  });

  it("on a pull request: SARIF with repository paths, JUnit, one comment; fails the job on findings", async () => {
    const r = await runOnPullRequest();
    const byName = (n: string) => r.steps.find((s) => (s.step.name ?? s.step.id) === n)!;
    const run = byName("crmrules check, test and diff");
    expect(run.exitCode, run.stdout).toBe(0);
    expect(r.outputs["check-exit-code"]).toBe("1");
    expect(r.outputs["test-exit-code"]).toBe("1");

    const upload = byName("upload SARIF to code scanning");
    expect(upload.ran).toBe(true);
    const log = JSON.parse(readFileSync(upload.with!.sarif_file!, "utf8"));
    expect(validateSarif(log)).toEqual([]);
    const uris = log.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toContain("rules/broken.crmrules");

    const junit = byName("journeys test report");
    expect(junit.ran).toBe(true);
    const xml = readFileSync(junit.with!.report_paths!, "utf8");
    expect(validateJUnit(xml)).toEqual([]);
    expect(xml).toMatch(/failures="[1-9]/);
    expect(xml).toContain('file="rules/journeys/journeys.crmrules"');

    const comment = byName("pull-request comment");
    expect(comment.exitCode, comment.stdout).toBe(0);
    expect(comment.stdout).toMatch(/^created comment https:\/\/github\.example\//m);
    const ours = gh.comments.filter((c) => c.body.startsWith(marker("rules")));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain("Danish director reads the pricing page");
    // Journeys link to their lines at the pull request's head.
    const head = git(["rev-parse", "HEAD"], repo).trim();
    expect(ours[0]!.body).toContain(`https://github.example/acme/rules/blob/${head}/rules/journeys/journeys.crmrules#L`);
    const full = readFileSync(r.outputs["diff-full-file"]!, "utf8");
    expect(full).toContain("Danish director reads the pricing page");
    expect(r.outputs["comment-url"]).toBe(ours[0]!.html_url);
    expect(gh.requests.every((q) => q.auth === `Bearer ${TOKEN}`)).toBe(true);

    const verdict = byName("verdict");
    expect(verdict.exitCode).toBe(1);
    expect(verdict.stdout).toContain("crmrules check exited with 1, crmrules test with 1");
    expect(r.failed).toBe(true);
  });

  it("on the next push, updates the same comment instead of adding one", async () => {
    const before = gh.comments.length;
    const id = gh.comments.find((c) => c.body.startsWith(marker("rules")))!.id;
    writeFileSync(path.join(repo, "rules/broken.crmrules"), "import \"schema.crmrules\"\n");
    git(["commit", "-q", "-am", "fix the broken file"], repo);
    gh.requests = [];
    const r = await runOnPullRequest();
    expect(r.outputs["check-exit-code"]).toBe("0");
    expect(gh.comments).toHaveLength(before);
    expect(gh.requests.map((q) => q.method)).toEqual(["GET", "GET", "PATCH"]);
    expect(gh.requests[2]!.url).toBe(`/repos/acme/rules/issues/comments/${id}`);
    expect(gh.comments.filter((c) => c.body.startsWith(marker("rules")))).toHaveLength(1);
    expect(gh.comments.slice(0, 100).every((c) => c.body.startsWith("looks good"))).toBe(true);
  });

  it("posts no comment when asked not to, or outside a pull request", async () => {
    gh.requests = [];
    const off = await runOnPullRequest({ comment: "false" });
    expect(off.steps.find((s) => s.step.id === "comment")!.ran).toBe(false);
    const push = await runAction(ACTION, {
      actionPath: REPO,
      workspace: repo,
      inputs: { path: "rules", cli: `"${process.execPath}" "${cli}"` },
      github: { token: TOKEN, base_ref: "", event_name: "push" },
      env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: "acme/rules", RUNNER_TEMP: mkdtempSync(path.join(tmpdir(), "crmrules-runner-temp-")) },
    });
    expect(push.outputs["diff-file"]).toBe("");
    expect(push.steps.find((s) => s.step.id === "comment")!.ran).toBe(false);
    expect(gh.requests).toEqual([]);
  });
});

describe("docs/ci.md", () => {
  it("uses the action in one step, with inputs the action has", async () => {
    const { load } = await import("js-yaml");
    const doc = readFileSync(path.join(REPO, "docs/ci.md"), "utf8");
    const workflow = load(/```yaml\n([\s\S]*?)```/.exec(doc)![1]!) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const ours = steps.filter((st) => st.uses?.startsWith("crmrules/crmrules@"));
    expect(ours).toHaveLength(1);
    expect(Object.keys(ours[0]!.with ?? {}).filter((k) => !(k in ACTION.inputs))).toEqual([]);
    const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8"));
    expect(pkg.repository.url).toContain(`/${ours[0]!.uses!.replace(/@.*$/, "")}.git`);
  });
});

describe("the comment body", () => {
  it("starts with a marker naming the folder and fits GitHub's limit, cut at a line with a note", () => {
    expect(commentBody("# diff\n", "rules")).toBe("<!-- crmrules-diff: rules -->\n# diff\n");
    const long = Array.from({ length: 5000 }, (_, i) => `| row ${i} | ${"x".repeat(20)} |`).join("\n");
    const body = commentBody(long, "rules");
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    expect(body).toMatch(/\|\n\n_The diff is cut here to fit GitHub's comment limit; the job summary has all of it._\n$/);
    expect(marker("a--b")).toBe("<!-- crmrules-diff: a- -b -->");
  });
});

describe("the local runner", () => {
  it("evaluates the expressions action.yml uses, and refuses others", () => {
    const ctx = { inputs: { comment: "true", x: "" }, github: {}, steps: { run: { outputs: { f: "a" } } }, env: {}, failed: true };
    expect(evaluate("always() && inputs.comment == 'true' && steps.run.outputs.f != ''", ctx)).toBe(true);
    expect(evaluate("success()", ctx)).toBe(false);
    expect(evaluate("inputs.comment == 'false' || inputs.x", ctx)).toBe(false);
    expect(() => evaluate("contains(inputs.x, 'y')", ctx)).toThrow(/cannot evaluate/);
  });
});
