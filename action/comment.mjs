// The crmrules GitHub Action's pull-request comment (action.yml): posts the
// journey diff as one comment and updates that same comment on every later
// push. The comment is found by a hidden marker naming the rules folder, so two
// uses of the action for two folders keep two comments.
// Plain Node (20 or later, global fetch), no dependencies.
import { appendFileSync, readFileSync } from "node:fs";

const env = process.env;
/** GitHub's limit for a comment body, in characters. */
export const MAX_BODY = 65536;

export function marker(rulesPath) {
  return `<!-- crmrules-diff: ${rulesPath.replace(/--/g, "- -")} -->`;
}

/** The comment body: the marker, then the markdown, cut at a line break to fit GitHub's limit (with a note saying so). */
export function commentBody(markdown, rulesPath) {
  const head = marker(rulesPath) + "\n";
  const note = "\n\n_The diff is cut here to fit GitHub's comment limit; the job summary has all of it._\n";
  if (head.length + markdown.length <= MAX_BODY) return head + markdown;
  const room = MAX_BODY - head.length - note.length;
  const cut = markdown.lastIndexOf("\n", room);
  return head + markdown.slice(0, cut > 0 ? cut : room) + note;
}

async function api(method, url, token, body) {
  const r = await fetch(url, {
    method,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "x-github-api-version": "2022-11-28",
      "user-agent": "crmrules-action",
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) {
    const e = new Error(`${method} ${url}: ${r.status} ${text.slice(0, 300)}`);
    e.status = r.status;
    throw e;
  }
  return text ? JSON.parse(text) : null;
}

/** Finds the comment carrying the marker (every page), then updates it, or posts a new one. */
export async function upsertComment({ apiUrl, repository, number, token, body, mark }) {
  const base = `${apiUrl.replace(/\/$/, "")}/repos/${repository}`;
  let found;
  for (let page = 1; !found; page++) {
    const comments = await api("GET", `${base}/issues/${number}/comments?per_page=100&page=${page}`, token);
    found = comments.find((c) => typeof c.body === "string" && c.body.startsWith(mark));
    if (comments.length < 100) break;
  }
  if (found) return { action: "updated", comment: await api("PATCH", `${base}/issues/comments/${found.id}`, token, { body }) };
  return { action: "created", comment: await api("POST", `${base}/issues/${number}/comments`, token, { body }) };
}

async function main() {
  const event = env.GITHUB_EVENT_PATH ? JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) : {};
  const number = event.pull_request?.number ?? event.issue?.number;
  if (!number) {
    console.log("not a pull request: no comment");
    return;
  }
  if (!env.GITHUB_TOKEN) throw new Error("no token: set the action's `github-token` input");
  const rulesPath = env.CRMRULES_PATH || ".";
  const body = commentBody(readFileSync(env.CRMRULES_DIFF_FILE, "utf8"), rulesPath);
  try {
    const { action, comment } = await upsertComment({
      apiUrl: env.GITHUB_API_URL || "https://api.github.com",
      repository: env.GITHUB_REPOSITORY,
      number,
      token: env.GITHUB_TOKEN,
      body,
      mark: marker(rulesPath),
    });
    console.log(`${action} comment ${comment.html_url ?? comment.id}`);
    if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `comment-url=${comment.html_url ?? ""}\n`);
  } catch (e) {
    if (e.status === 403) {
      // Pull requests from forks get a read-only token.
      console.log(`::warning title=crmrules comment::the token may not comment on this pull request (${e.message})`);
      return;
    }
    throw e;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.log(`::error title=crmrules comment::${e.message}`);
    process.exit(1);
  });
}
