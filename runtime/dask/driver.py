"""The Dask driver of `crmrules simulate --events SRC --dask SCHEDULER` (docs/distributed.md).

`cli/distributed.ts` starts this script with the job as JSON on standard input:
  {"scheduler": "local:2" | "tcp://host:8786", "shards": N or null, "parts": DIR, "cwd": DIR,
   "node": NODE, "cli": CLI_JS, "args": ["simulate", "--events", SRC, ...]}
It submits one task per shard; each task runs `NODE CLI_JS ARGS --shard I/N --out DIR/part-…`
on a worker (in the folder `cwd`) and reports the part it wrote. Progress goes to standard
error, one line per shard and change; the last line on standard output is the answer:
  {"ok": true, "parts": [...]}  or  {"ok": false, "shard": I, "of": N, "exit": CODE, "worker": W, "message": "..."}
A worker that dies mid-task (killed, out of memory) makes the scheduler run the task again
elsewhere (Dask's `allowed-failures`); each attempt writes its own part file, so an attempt
cut short never mixes with the one that finishes. The merge is the CLI's (`crmrules merge`).
"""

import json
import logging
import os
import signal
import sys
import time
import uuid


def say(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def die_with_parent():
    """Runs in the shard's process before it starts: it is killed when its worker dies (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def run_shard(index, count, job):
    """One shard on a worker: the crmrules CLI over the shard, its progress copied to a file."""
    import subprocess

    try:
        from distributed import get_worker

        worker = get_worker().address
    except Exception:
        worker = "?"
    node = os.environ.get("CRMRULES_NODE") or job["node"]
    cli = os.environ.get("CRMRULES_CLI") or job["cli"]
    part = os.path.join(job["parts"], "part-%05d-of-%05d-%s.jsonl" % (index, count, uuid.uuid4().hex[:12]))
    progress = os.path.join(job["parts"], "progress-%05d" % index)
    cmd = [node, cli] + list(job["args"]) + ["--shard", "%d/%d" % (index, count), "--out", part]
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)
    env["NO_COLOR"] = "1"
    started = time.time()
    try:
        proc = subprocess.Popen(cmd, cwd=job["cwd"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, preexec_fn=die_with_parent)
    except OSError as e:
        return {"index": index, "exit": None, "part": None, "worker": worker, "message": "cannot start %s: %s (each worker needs Node.js and crmrules; set CRMRULES_NODE and CRMRULES_CLI on the workers)" % (node, e)}
    said = []
    for raw in proc.stderr:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if line.startswith("progress: "):
            tmp = "%s.%d.tmp" % (progress, os.getpid())
            with open(tmp, "w") as f:
                f.write(line[len("progress: "):])
            os.replace(tmp, progress)
        else:
            said.append(line)
            del said[:-40]
    code = proc.wait()
    return {"index": index, "exit": code, "part": part if code == 0 else None, "worker": worker, "seconds": round(time.time() - started, 2), "message": "\n".join(said)}


def answer(doc):
    sys.stdout.write(json.dumps(doc) + "\n")
    sys.stdout.flush()


def main():
    job = json.load(sys.stdin)

    def stop(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, stop)
    try:
        from distributed import Client, LocalCluster, wait
    except ImportError as e:
        answer({"ok": False, "shard": None, "of": None, "exit": None, "message": "Dask distributed cannot be imported (%s)" % e})
        return 2
    scheduler = job["scheduler"]
    cluster = None
    client = None
    try:
        if scheduler.startswith("local:"):
            n_workers = int(scheduler.split(":", 1)[1])
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.CRITICAL)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="30s")
        threads = sum(client.nthreads().values())
        count = job["shards"] or max(1, threads)
        say("dask: %d shard%s on %s (%d worker thread%s)" % (count, "" if count == 1 else "s", scheduler, threads, "" if threads == 1 else "s"))
        token = uuid.uuid4().hex[:8]
        futures = [client.submit(run_shard, i, count, job, key="crmrules-shard-%d-of-%d-%s" % (i, count, token), pure=False) for i in range(count)]
        parts = [None] * count
        shown = [None] * count
        pending = set(range(count))
        while pending:
            for i in sorted(pending):
                f = futures[i]
                if f.status == "finished":
                    r = f.result()
                    if r["exit"] != 0:
                        for g in futures:
                            g.cancel()
                        answer({"ok": False, "shard": i, "of": count, "exit": r["exit"], "worker": r["worker"], "message": r["message"]})
                        return 3
                    parts[i] = r["part"]
                    pending.discard(i)
                    say("shard %d/%d: done on %s in %.1f s" % (i, count, r["worker"], r["seconds"]))
                elif f.status in ("error", "cancelled"):
                    try:
                        message = repr(f.exception())
                    except Exception as e:  # cancelled futures have no exception to give
                        message = repr(e)
                    for g in futures:
                        g.cancel()
                    answer({"ok": False, "shard": i, "of": count, "exit": None, "worker": None, "message": "the task failed on the cluster: %s" % message})
                    return 3
                else:
                    try:
                        with open(os.path.join(job["parts"], "progress-%05d" % i)) as fh:
                            now = fh.read().strip()
                    except OSError:
                        now = None
                    if now and now != shown[i]:
                        shown[i] = now
                        say("shard %d/%d: %s" % (i, count, now))
            if pending:
                # Back as soon as a shard ends (not at the next half second), else in 0.5 s for progress.
                try:
                    wait([futures[i] for i in pending], timeout=0.5, return_when="FIRST_COMPLETED")
                except Exception:  # the timeout (its class differs between versions)
                    pass
        answer({"ok": True, "parts": parts})
        return 0
    except KeyboardInterrupt:
        answer({"ok": False, "shard": None, "of": None, "exit": None, "message": "stopped"})
        return 130
    except Exception as e:
        answer({"ok": False, "shard": None, "of": None, "exit": None, "message": "the Dask cluster failed: %r" % (e,)})
        return 2
    finally:
        if client is not None:
            try:
                client.close()
            except Exception:
                pass
        if cluster is not None:
            try:
                cluster.close()
            except Exception:
                pass


if __name__ == "__main__":
    sys.exit(main())
