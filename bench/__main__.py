"""`python -m bench [--docs 20000]`: seed a scale data set, measure, print and save results.

Runs with production settings (DEBUG off, compressed manifest static files) in its own data
directory (var/bench-<docs>/, reused by later runs with the same size). A fresh data set has
--docs documents, one person per ten documents (with skills, for the expert finder) and one
space per 500 documents. These options top a data set (fresh or reused) up to larger counts,
in bulk, and are remembered in its seeded.json:

  --people N       people with profiles, skills and three memberships each
  --spaces N       spaces (every fourth members-only; the bench user in some of both kinds),
                   e.g. `--spaces 5000` for the spaces list and home page at 5,000 spaces
  --activities N   home-stream rows over all spaces, e.g. `--activities 100000`

Measures, in order:

1. index rebuild: `manage.py update_index` in a subprocess, documents per second;
2. server time per page (bench/pages.py): Django's test client in this process, median and
   p95 over --requests requests after a warm-up, with the queries each request made. Every
   page must answer 200: one that does not fails the run (exit 1, with its URL and status);
3. throughput: 2 gunicorn workers (gunicorn.conf.py) on loopback, a fixed number of
   requests from a small threaded client, for the pages in LOAD_PAGES and the baseline;
4. memory: resident set size of each gunicorn worker after the load.

Every time is also printed as a ratio to the minimal Django view measured in the same run,
which is what compares across machines. Every figure is printed beside its target from
bench/targets.py, the one table of targets of all benchmarks. Results go to
bench/results/<timestamp>.json and .md.

The other benchmarks are modules of this package, each with `--help`:

  python -m bench.search       the search page on real queries beside Whoosh, PostgreSQL, tantivy
  python -m bench.experts      the expert finder, per query
  python -m bench.whoosh_scale the Whoosh backend alone on synthetic text
  python -m bench.digest       the e-mail digest for 1,000 and 10,000 users, time and memory
  python -m bench.wiki_diff    the diff of two 50 KB wiki revisions (no database)
  python -m bench.relevance    German and English queries: success@1, success@3, MRR, leaks
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.targets import TARGETS, as_json, page_p50_target

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.splitlines()[0],
        epilog=__doc__[__doc__.index("The other benchmarks") :],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--docs", type=int, default=20_000, help="documents to seed (20000)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument(
        "--load-requests", type=int, default=400, help="requests per page under load (400)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="load client threads (8)")
    parser.add_argument(
        "--page-seconds",
        type=float,
        default=10.0,
        help="stop timing a slow page after this long, with at least 5 samples (10)",
    )
    parser.add_argument(
        "--load-seconds", type=float, default=60.0, help="stop a load run after this long (60)"
    )
    parser.add_argument("--data-dir", type=Path, help="where the data set lives")
    parser.add_argument("--people", type=int, help="top the data set up to N people")
    parser.add_argument("--spaces", type=int, help="top the data set up to N spaces (bulk)")
    parser.add_argument(
        "--activities", type=int, help="top the data set up to N activity rows (bulk)"
    )
    parser.add_argument("--fresh", action="store_true", help="seed again even if data exists")
    parser.add_argument("--skip-index", action="store_true", help="do not time update_index")
    parser.add_argument("--skip-load", action="store_true", help="no gunicorn load test")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="WORD",
        help="time only the pages whose name contains WORD (repeatable; baseline always)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if args.docs < 100 or args.requests < 2 or args.load_requests < 1 or args.concurrency < 1:
        parser.error("--docs must be at least 100; --requests at least 2; others at least 1")
    for name in ("people", "spaces", "activities"):
        value = getattr(args, name)
        if value is not None and not 0 <= value <= 10_000_000:
            parser.error(f"--{name} must be between 0 and 10000000")
    return args


def configure_environment(data_dir: Path) -> dict[str, str]:
    """Production settings, pointed at the benchmark's own data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": key_file.read_text().strip(),
        "VAR_DIR": str(data_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Plain HTTP on loopback: the HTTPS-only settings would only redirect.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "TASK_BACKEND": "immediate",
        "LOG_LEVEL": "ERROR",
        "GUNICORN_ACCESS_LOG": "",
    }
    for name in ("SEARCH_INDEX_DIR", "STATIC_ROOT", "MEDIA_ROOT"):
        os.environ.pop(name, None)
    os.environ.update(env)
    return env


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def prepare_data(args: argparse.Namespace, data_dir: Path) -> dict:
    from django.core.management import call_command
    from django.db import DatabaseError, connection

    marker = data_dir / "seeded.json"

    def start_afresh() -> None:
        connection.close()
        for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", "seeded.json"):
            (data_dir / name).unlink(missing_ok=True)
        shutil.rmtree(data_dir / "search-index", ignore_errors=True)

    if args.fresh:
        start_afresh()
    try:
        call_command("migrate", verbosity=0, interactive=False)
    except DatabaseError:
        # Migrations were rewritten since this data set was made: make a new one.
        print("bench: the data set's schema is out of date; seeding it again")
        start_afresh()
        call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    from bench.seed_scale import extend_data, give_bench_user_wagtail_groups, seed_scale

    clock = time.perf_counter()

    def log(line: str) -> None:
        # Elapsed seconds on every line: seeding rates for sizes too large to wait for.
        print(f"bench: [{time.perf_counter() - clock:7.1f} s] {line}", flush=True)

    if marker.exists():
        print(f"bench: reusing the data set in {data_dir}")
        made = json.loads(marker.read_text())
        # Data sets seeded before the bench user got the groups of their spaces.
        give_bench_user_wagtail_groups()
    else:
        started = time.perf_counter()
        made = seed_scale(args.docs, log=log)
        made["seconds"] = round(time.perf_counter() - started, 1)
        marker.write_text(json.dumps(made))
        print(f"bench: seeded in {made['seconds']} s")
    targets = {"people": args.people, "spaces": args.spaces, "activities": args.activities}
    if any(value is not None for value in targets.values()):
        started = time.perf_counter()
        added = extend_data(**targets, log=log)
        seconds = round(time.perf_counter() - started, 1)
        if any(made.get(key) != value for key, value in added.items()):
            made.update(added)
            made["extend_seconds"] = seconds
            marker.write_text(json.dumps(made))
            print(f"bench: topped up in {seconds} s: {added}")
    return made


def time_index_rebuild(env: dict[str, str]) -> dict:
    from wagtail.models import Page

    documents = Page.objects.live().count()
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", "update_index"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        print(completed.stderr[-2000:])
        return {"ok": False, "seconds": round(seconds, 1)}
    return {
        "ok": True,
        "pages": documents,
        "seconds": round(seconds, 1),
        "docs_per_second": round(documents / seconds, 1),
    }


def measure_pages(requests: int, page_seconds: float, only: list[str] = ()) -> list[dict]:
    """Time every page of bench/pages.py (those matching `only`, and the baseline). A page
    that does not answer 200 gets its status in its row and is not timed; `main` fails the
    run on it."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import PAGES, placeholders

    # Failing pages are reported in the table; their tracebacks would only bury it.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    values = placeholders()
    clients: dict[str, Client] = {}
    results = []
    for name, template, username in PAGES:
        if only and not name.startswith("baseline") and not any(word in name for word in only):
            continue
        row: dict = {"name": name, "path": template}
        try:
            path = template.format(**values)
        except KeyError as missing:
            results.append({**row, "status": f"the data set has no {missing.args[0]}"})
            print(f"bench: {name:28} FAILED: {results[-1]['status']}", flush=True)
            continue
        row["path"] = path
        if username not in clients:
            # A page that fails is reported with its status, not raised: every failing page
            # of the run is listed together.
            clients[username] = Client(raise_request_exception=False)
            clients[username].force_login(get_user_model().objects.get(username=username))
        client = clients[username]
        response = client.get(path)
        if response.status_code != 200:
            status = f"HTTP {response.status_code}"
            if response.has_header("Location"):
                status += f" to {response['Location']}"
            results.append({**row, "status": status})
            print(f"bench: {name:28} FAILED: {path} answered {status}", flush=True)
            continue
        client.get(path)  # a second warm-up: caches, lazily compiled templates
        times, queries = [], []
        # Bounded in time as well as count, so a slow page cannot stretch the run to an
        # hour; the sample count is reported with the figures.
        deadline = time.perf_counter() + page_seconds
        for _ in range(requests):
            if len(times) >= 5 and time.perf_counter() > deadline:
                break
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
        results.append(
            {
                **row,
                "status": "ok",
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(percentile(times, 0.95), 2),
                "queries": max(queries),
                "samples": len(times),
            }
        )
        target = page_p50_target(name)
        print(
            f"bench: {name:28} {results[-1]['p50_ms']:8.1f} ms (target {target})"
            f"  {max(queries):3} queries (target {TARGETS['page_queries']})"
        )
    return results


def failed_pages(pages: list[dict]) -> list[dict]:
    return [row for row in pages if row.get("status") != "ok"]


def load_failures(load_report: dict | None) -> list[str]:
    """One line per page that answered anything but 200 under load."""
    if not load_report:
        return []
    return [
        f"{name} under load: {row['path']} answered {row['errors']} of {row['requests']} "
        f"requests with {row.get('error_statuses') or 'errors'}"
        for name, row in load_report["throughput"].items()
        if row["errors"]
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def load(
    port: int, path: str, cookie: str, total: int, concurrency: int, seconds: float = 600
) -> dict:
    """`total` GETs of `path` from `concurrency` keep-alive connections (fewer if `seconds`
    run out first); requests/s."""
    counter = iter(range(total))
    deadline = time.perf_counter() + seconds
    done: list[int] = []
    lock = threading.Lock()
    errors: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if time.perf_counter() > deadline or next(counter, None) is None:
                    break
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "localhost"})
                response = conn.getresponse()
                response.read()
                done.append(1)
                if response.status != 200:
                    errors.append(str(response.status))
            except (OSError, http.client.HTTPException) as exc:
                errors.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for error in errors:
        statuses[error] = statuses.get(error, 0) + 1
    return {
        "path": path,
        "requests": len(done),
        "errors": len(errors),
        "error_statuses": statuses,
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(done) / seconds, 1),
    }


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def measure_load(env: dict[str, str], pages: list[dict], args: argparse.Namespace) -> dict:
    from bench.pages import BENCH_USER, LOAD_PAGES

    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**os.environ, **env, "PORT": str(port), "WEB_CONCURRENCY": "2"},
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        cookie = session_cookie(BENCH_USER)
        by_name = {row["name"]: row for row in pages if row.get("status") == "ok"}
        targets = [("baseline (minimal view)", "/bench/minimal/")] + [
            (name, by_name[name]["path"]) for name in LOAD_PAGES if name in by_name
        ]
        results = {}
        for name, path in targets:
            load(port, path, cookie, min(20, args.load_requests), args.concurrency)  # warm-up
            results[name] = load(
                port, path, cookie, args.load_requests, args.concurrency, args.load_seconds
            )
            print(f"bench: load {name:22} {results[name]['requests_per_second']:8.1f} req/s")
        workers = worker_pids(server.pid)
        return {
            "workers": len(workers),
            "throughput": results,
            "rss_mb": [rss_mb(p) for p in workers],
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def markdown(report: dict) -> str:
    pages = report["pages"]
    baseline = next((p for p in pages if p["name"].startswith("baseline")), None)
    base = baseline["p50_ms"] if baseline and baseline.get("status") == "ok" else None
    data = report["data"]
    sizes = ", ".join(
        f"{data[key]:,} {key}"
        for key in ("documents", "people", "spaces", "activities")
        if key in data
    )
    lines = [
        f"## Benchmark: {sizes}, {report['started']}",
        "",
        f"| page | p50 ms | p95 ms | × baseline | queries | n "
        f"| target p50 {TARGETS['page_p50_ms']} (home {TARGETS['home_p50_ms'].limit:g}, "
        f"expert finder {TARGETS['expert_finder_p50_ms'].limit:g}), "
        f"{TARGETS['page_queries']} |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in pages:
        if row.get("status") != "ok":
            lines.append(f"| {row['name']} | | | | | | FAILED: {row['path']} {row['status']} |")
            continue
        p50, queries = page_p50_target(row["name"]), TARGETS["page_queries"]
        misses = []
        if not p50.met(row["p50_ms"]):
            misses.append(f"p50 > {p50.limit:.0f} ms")
        if not queries.met(row["queries"]):
            misses.append(f"> {queries.limit:.0f} queries")
        ratio = f"{row['p50_ms'] / base:.1f}" if base else ""
        verdict = "over: " + ", ".join(misses) if misses else "ok"
        lines.append(
            f"| {row['name']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {ratio} "
            f"| {row['queries']} | {row['samples']} | {verdict} |"
        )
    load_report = report.get("load")
    if load_report:
        lines += [
            "",
            "| under load (2 gunicorn workers) | requests/s | requests | errors |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, row in load_report["throughput"].items():
            lines.append(
                f"| {name} | {row['requests_per_second']:.1f} | {row['requests']} "
                f"| {row['errors']} |"
            )
        rss = ", ".join(f"{mb:.0f} MB" for mb in load_report["rss_mb"])
        rss_target = TARGETS["worker_rss_mb"]
        verdict = "ok" if all(rss_target.met(mb) for mb in load_report["rss_mb"]) else "over"
        lines.append(f"\nRSS per worker after the load: {rss} (target {rss_target}: {verdict})")
    index = report.get("index")
    if index and index.get("ok"):
        lines.append(
            f"\nIndex rebuild: {index['pages']} pages in {index['seconds']} s "
            f"= {index['docs_per_second']} docs/s: "
            f"{TARGETS['index_docs_per_second'].verdict(index['docs_per_second'])}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = (args.data_dir or ROOT / "var" / f"bench-{args.docs}").resolve()
    env = configure_environment(data_dir)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    report: dict = {
        "started": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "settings": {
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "search_backend": settings.SEARCH_BACKEND,
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        },
        "targets": as_json(),
    }
    report["data"] = prepare_data(args, data_dir)
    if not args.skip_index:
        print("bench: rebuilding the search index", flush=True)
        report["index"] = time_index_rebuild(env)
    report["pages"] = measure_pages(args.requests, args.page_seconds, args.only)
    failed = failed_pages(report["pages"])
    if not args.skip_load and not failed:
        report["load"] = measure_load(env, report["pages"], args)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"{report['started'].replace(':', '')}.json"
    out.write_text(json.dumps(report, indent=2))
    table = markdown(report)
    out.with_suffix(".md").write_text(table + "\n")
    print()
    print(table)
    print(f"\nbench: results in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if failed:
        # Loud, last and non-zero: a page the bench names but could not time is a failure,
        # never a silently shorter table.
        for row in failed:
            print(f"bench: FAILED {row['name']}: {row['path']} {row['status']}", file=sys.stderr)
        print(f"bench: {len(failed)} page(s) did not answer 200; no load test", file=sys.stderr)
        return 1
    under_load = load_failures(report.get("load"))
    for line in under_load:
        print(f"bench: FAILED {line}", file=sys.stderr)
    return 1 if under_load else 0


if __name__ == "__main__":
    raise SystemExit(main())
