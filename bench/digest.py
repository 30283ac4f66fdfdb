"""`python -m bench.digest [--users 1000 10000]`: the daily digest through the task worker.

Issue 11 asks that the digest for 10,000 users runs through the worker in bounded memory.
This seeds a small site (bench/seed_scale.py, production settings, its own data directory,
var/bench-digest/ unless --data-dir), then for each size in --users, smallest first:

1. tops the site up to that many digest readers (bulk inserts), each a member of one space,
   and gives every one of them --per-user new notifications of mixed kinds: most go to the
   daily digest by default, mentions are e-mailed at once, some are already read, and some are
   about pages in members-only spaces the reader is not in (the digest must leave those out);
2. runs `manage.py send_digests` (queues one task per reader) and then
   `manage.py db_worker --batch` (sends them; each e-mail is a second task, delivered to
   Django's dummy backend) as subprocesses with TASK_BACKEND=database, timing each and
   reading its peak resident memory (ru_maxrss from wait4);
3. checks the outcome: every task succeeded, and exactly the notifications a reader should
   get by e-mail were marked e-mailed.

Memory that stays flat from 1,000 to 10,000 readers is the "bounded" the issue asks for.
Results go to bench/results/digest-<timestamp>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.targets import TARGETS

ROOT = Path(__file__).resolve().parent.parent
BASE_DOCS = 400  # the pages notifications point at
KINDS = ["comment", "reply", "wiki_edit", "followed", "join_request", "mention"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.digest", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--users",
        type=int,
        nargs="+",
        default=[1_000, 10_000],
        help="reader counts to measure, each a top-up of the last (1000 10000)",
    )
    parser.add_argument(
        "--per-user", type=int, default=5, help="new notifications per reader and round (5)"
    )
    parser.add_argument("--data-dir", type=Path, help="where the data set lives")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if any(n < 1 or n > 1_000_000 for n in args.users) or not 1 <= args.per_user <= 100:
        parser.error("--users must be between 1 and 1000000, --per-user between 1 and 100")
    args.users = sorted(set(args.users))
    return args


def environment(data_dir: Path) -> dict[str, str]:
    from bench.__main__ import configure_environment

    env = configure_environment(data_dir)
    extra = {
        "TASK_BACKEND": "database",
        # The worker hands each e-mail to this: nothing leaves the machine, nothing is kept.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    os.environ.update(extra)
    return {**env, **extra}


def run_measured(command: list[str], env: dict[str, str]) -> dict:
    """Run a manage.py command; its wall time and peak RSS (the child's own, from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = process.stdout.read().decode(errors="replace") if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    return {
        "command": " ".join(command),
        "ok": process.returncode == 0,
        "seconds": round(seconds, 1),
        # ru_maxrss is in kilobytes on Linux.
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "output": output.strip().splitlines()[-3:],
    }


def seed_base(log) -> None:
    from django.contrib.auth import get_user_model

    from bench.seed_scale import seed_scale

    if not get_user_model().objects.filter(username__startswith="user").exists():
        seed_scale(BASE_DOCS, log=log)


def add_readers(total: int, rng: random.Random) -> list[int]:
    """Digest readers reader00000..reader<total - 1> (made once, in bulk); their ids."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from bench.seed_scale import BATCH
    from intranet.models import Membership, SpacePage
    from profiles.models import Profile

    User = get_user_model()
    readers = User.objects.filter(username__startswith="reader")
    start = readers.count()
    if total > start:
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    username=f"reader{i:05d}",
                    first_name="Reader",
                    last_name=str(i),
                    email=f"reader{i:05d}@example.com",
                    password=password,
                )
                for i in range(start, total)
            ],
            batch_size=BATCH,
        )
        new = list(readers.order_by("username")[start:].values_list("pk", flat=True))
        Profile.objects.bulk_create(
            [Profile(user_id=pk, preferred_language="de" if pk % 3 == 0 else "en") for pk in new],
            batch_size=BATCH,
        )
        spaces = list(SpacePage.objects.values_list("pk", flat=True))
        Membership.objects.bulk_create(
            [Membership(space_id=rng.choice(spaces), user_id=pk, role="reader") for pk in new],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    return list(readers.order_by("username").values_list("pk", flat=True))


def add_notifications(reader_ids: list[int], per_user: int, rng: random.Random) -> int:
    """`per_user` new notifications for every reader; returns how many the digests of this
    round must cover (daily kinds, unread, about something the reader may see)."""
    from django.contrib.auth import get_user_model

    from bench.seed_scale import BATCH
    from blogs.models import BlogPostPage
    from community.models import Notification
    from intranet.models import Membership, SpacePage
    from wiki.models import WikiPage

    pages = list(BlogPostPage.objects.values_list("pk", "space_id", "title", "url_path"))
    pages += list(WikiPage.objects.values_list("pk", "space_id", "title", "url_path"))
    members_only = set(SpacePage.objects.filter(visibility="members").values_list("pk", flat=True))
    member_of: dict[int, set[int]] = {}
    for space_id, user_id in Membership.objects.filter(user_id__in=reader_ids).values_list(
        "space_id", "user_id"
    ):
        member_of.setdefault(user_id, set()).add(space_id)
    actors = list(
        get_user_model()
        .objects.filter(username__startswith="user")
        .values_list("pk", flat=True)[:200]
    )
    now = datetime.now(UTC)
    expected = 0
    rows = []
    for user_id in reader_ids:
        for n in range(per_user):
            kind = KINDS[(user_id + n) % len(KINDS)]
            pk, space_id, title, url_path = rng.choice(pages)
            read = rng.random() < 0.1
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=kind,
                    actor_id=rng.choice(actors),
                    page_id=pk,
                    space_id=space_id,
                    text=f"Something happened on {title}"[:300],
                    url=url_path.removeprefix("/home"),
                    created_at=now - timedelta(minutes=n),
                    read_at=now if read else None,
                )
            )
            visible = space_id not in members_only or space_id in member_of.get(user_id, ())
            if kind != "mention" and not read and visible:
                expected += 1
        if len(rows) >= 5000:
            Notification.objects.bulk_create(rows, batch_size=BATCH)
            rows = []
    Notification.objects.bulk_create(rows, batch_size=BATCH)
    return expected


def measure_round(readers: int, args, env: dict[str, str], rng: random.Random, log) -> dict:
    from django.db import connection, transaction
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from community.models import Notification

    started = time.perf_counter()
    with transaction.atomic():
        reader_ids = add_readers(readers, rng)
        expected = add_notifications(reader_ids, args.per_user, rng)
    DBTaskResult.objects.all().delete()
    emailed_before = Notification.objects.exclude(emailed_at=None).count()
    seeded = round(time.perf_counter() - started, 1)
    log(f"{readers} readers: seeded in {seeded} s; {expected} notifications for the digests")
    connection.close()  # SQLite: the subprocesses write; hold nothing open meanwhile
    queue = run_measured(["send_digests"], env)
    log(f"{readers} readers: send_digests {queue['seconds']} s, {queue['peak_rss_mb']} MB")
    worker = run_measured(["db_worker", "--batch", "--no-startup-delay"], env)
    log(f"{readers} readers: db_worker {worker['seconds']} s, {worker['peak_rss_mb']} MB")
    statuses = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")))
    emailed = Notification.objects.exclude(emailed_at=None).count() - emailed_before
    tasks = sum(statuses.values())
    return {
        "readers": readers,
        "notifications_expected": expected,
        "notifications_emailed": emailed,
        "tasks": tasks,
        "task_statuses": statuses,
        "queue": queue,
        "worker": worker,
        "tasks_per_second": round(tasks / worker["seconds"], 1) if worker["seconds"] else None,
        "ok": bool(
            queue["ok"]
            and worker["ok"]
            and emailed == expected
            and statuses.get("SUCCESSFUL", 0) == tasks
        ),
    }


def markdown(report: dict) -> str:
    lines = [
        f"## Digest benchmark, {report['started']}",
        "",
        "| readers | notifications e-mailed | tasks | send_digests s | MB | db_worker s | MB "
        "| tasks/s | check |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in report["rounds"]:
        check = "ok" if row["ok"] else f"FAILED: {row['task_statuses']}"
        lines.append(
            f"| {row['readers']:,} | {row['notifications_emailed']:,} of "
            f"{row['notifications_expected']:,} | {row['tasks']:,} "
            f"| {row['queue']['seconds']} | {row['queue']['peak_rss_mb']:.0f} "
            f"| {row['worker']['seconds']} | {row['worker']['peak_rss_mb']:.0f} "
            f"| {row['tasks_per_second']} | {check} |"
        )
    rounds = report["rounds"]
    if len(rounds) >= 2:
        first, last = rounds[0]["worker"]["peak_rss_mb"], rounds[-1]["worker"]["peak_rss_mb"]
        growth = last / first if first else 0
        growth_target, memory_target = (
            TARGETS["digest_memory_growth"],
            TARGETS["digest_worker_rss_mb"],
        )
        bounded = growth_target.met(growth) and memory_target.met(last)
        lines.append(
            f"\nWorker peak memory {first:.0f} MB at {rounds[0]['readers']:,} readers, "
            f"{last:.0f} MB at {rounds[-1]['readers']:,} (×{growth:.2f}; "
            f"{'bounded' if bounded else 'grows with the readers'}; "
            f"targets: growth {growth_target}, peak {memory_target})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = (args.data_dir or ROOT / "var" / "bench-digest").resolve()
    env = environment(data_dir)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    def log(line: str) -> None:
        print("bench digest:", line, flush=True)

    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
        # Every run starts from nothing, so rounds are comparable between runs.
        (data_dir / name).unlink(missing_ok=True)
    shutil.rmtree(data_dir / "search-index", ignore_errors=True)
    call_command("migrate", verbosity=0, interactive=False)
    seed_base(log)
    report: dict = {
        "started": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "per_user": args.per_user,
        "rounds": [],
    }
    rng = random.Random(3)
    for readers in args.users:
        report["rounds"].append(measure_round(readers, args, env, rng, log))
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"digest-{report['started'].replace(':', '')}.json"
    out.write_text(json.dumps(report, indent=2))
    table = markdown(report)
    out.with_suffix(".md").write_text(table + "\n")
    print()
    print(table)
    print(f"\nbench digest: results in {out}")
    return 0 if all(row["ok"] for row in report["rounds"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
