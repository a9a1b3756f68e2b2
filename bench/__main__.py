"""`make bench` (`python -m bench --orgs N`): the portal at national scale, as ratios to a floor.

1. Recreates the PostgreSQL database `dspt_bench` (BENCH_DATABASE_URL), migrates, and seeds
   N organisations by COPY (bench/seed.py), plus consultants with 5, 50 and 500 homes.
2. Times the reminder sweep over the N homes (fresh table statistics, as on a new install).
3. Serves the app with gunicorn under production settings on a free loopback port and drives
   it from another process (bench/client.py) as real signed-in users; every page's p50 and
   p95 are divided by the floor's (a trivial signed-in tenant view) from the same run.
4. Times the assessment PDF against WeasyPrint on plain HTML of the same page count, and
   the Word report.
5. Seeds 9×N more homes and times the sweep again at 10×N (must grow linearly or better).
Writes bench/results.json and prints one table. Needs PostgreSQL at 127.0.0.1:5432 and
redis-server (a private one is started on a free port).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/dspt_bench"

# (key, label, target as text, ratio limit, which ratio) - from issue 17.
TARGETS = {
    "checklist": ("≤ 3× floor", 3.0, "p50"),
    "home": ("≤ 3× floor", 3.0, "p50"),
    "save": ("≤ 3× floor (p95)", 3.0, "p95"),
    "portfolio_500": ("≤ 5× floor", 5.0, "p50"),
    "load_save": ("p95 ≤ 3× floor's p95 under load", 3.0, "p95"),
}


# ---------------------------------------------------------------- environment


def _env(database_url: str, media: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dspt_portal.settings.production",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "DJANGO_SECRET_KEY": env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "PRIVATE_MEDIA_ROOT": str(media),
            "STORAGE_BACKEND": "filesystem",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            # Nothing in the bench enqueues work, but never reach a broker that is not there.
            "CELERY_BROKER_URL": "memory://",
        }
    )
    return env


def _private_redis() -> tuple[str, subprocess.Popen | None]:
    """Production settings need a shared cache (CACHE_URL=redis://...). BENCH_CACHE_URL
    if set; otherwise a private redis-server on a free port, keeping nothing on disk."""
    if os.environ.get("BENCH_CACHE_URL"):
        return os.environ["BENCH_CACHE_URL"], None
    if not shutil.which("redis-server"):
        sys.exit("The bench needs redis-server on PATH (or BENCH_CACHE_URL=redis://...).")
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]  # noqa: S607
        + ["--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return f"redis://127.0.0.1:{port}/0", proc
        time.sleep(0.05)
    proc.kill()
    sys.exit("the private redis-server did not start")


def _postgres_ready(url: str) -> None:
    parts = urlsplit(url)
    if shutil.which("pg_isready"):
        args = ["pg_isready", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
        if subprocess.run(args, capture_output=True).returncode != 0:  # noqa: S603
            sys.exit(f"PostgreSQL is not answering at {parts.hostname}:{parts.port or 5432}.")


def _recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _step(message: str) -> float:
    print(f"[bench] {message}", flush=True)
    return time.perf_counter()


# ---------------------------------------------------------------- statistics


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _summary(result: dict) -> dict:
    lat = result["latencies"]
    return {
        "requests": len(lat),
        "errors": result["error_count"],
        "error_samples": result["errors"],
        "p50_ms": round(1000 * _percentile(lat, 50), 1),
        "p95_ms": round(1000 * _percentile(lat, 95), 1),
        "rps": round(len(lat) / result["wall"], 1) if result["wall"] else 0,
        "bytes": result["bytes"],
        "concurrency": result["concurrency"],
    }


# ---------------------------------------------------------------- the Django side


def _django(env: dict):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _prepare(n: int) -> dict:
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from . import seed

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    start = time.perf_counter()
    with scopes_disabled():
        seed.seed(n)
        people = seed.people(n)
    return {"people": people, "seconds": time.perf_counter() - start}


def _targets(people: dict) -> dict:
    """The ids and sessions the client needs (home 0 and the first 30 homes' IG leads)."""
    from django_scopes import scopes_disabled

    from .copy import model
    from .seed import session_for

    Organisation, Response = model("Organisation"), model("Response")
    Version = model("DocumentVersion")
    with scopes_disabled():
        homes = list(Organisation.objects.order_by("pk")[:30])
        text_items = {
            r.organisation_id: r
            for r in Response.objects.filter(
                organisation__in=homes, item__answer_type="text"
            ).order_by("-item__sort_key")
        }
        version = Version.objects.filter(organisation=homes[0]).order_by("pk").first()
        return {
            "homes": [
                {
                    "slug": o.slug,
                    "session": session_for(o.ig_lead_id),
                    "response": text_items[o.pk].pk,
                }
                for o in homes
            ],
            "version": version.pk,
            "sessions": {name: session_for(uid) for name, uid in people.items()},
        }


def _save_data(response_id: int, n: int) -> dict:
    p = f"r{response_id}"
    return {
        "source": "checklist",
        f"{p}-answer_text": f"Kept in the IG folder, section 4; checked by the manager ({n}).",
        f"{p}-narrative": "We check this every month.",
        f"{p}-status": "done",
        f"{p}-owner": "",
    }


def _scenarios(t: dict, requests: int, seconds: float, load_users: int) -> list:
    home, s = t["homes"][0], t["sessions"]
    org = f"/o/{home['slug']}"
    item = f"{org}/assessment/item/{home['response']}/"
    htmx = {"HX-Request": "true", "HX-Current-URL": f"https://127.0.0.1{org}/assessment/"}

    def get(name, path, session, **kw):
        return {
            "name": name,
            "path": path,
            "session": session,
            "requests": requests,
            "seconds": seconds,
            **kw,
        }

    pages = [
        get("home", f"{org}/", home["session"]),
        get("checklist", f"{org}/assessment/", home["session"]),
        get("item", item, home["session"]),
        get(
            "save",
            item,
            home["session"],
            method="POST",
            data=_save_data(home["response"], 1),
            headers=htmx,
        ),
        get("library", f"{org}/evidence/", home["session"]),
        get("download", f"{org}/evidence/versions/{t['version']}/download/", home["session"]),
        get("portfolio_5", "/portfolio/", s["consultant5"]),
        get("portfolio_50", "/portfolio/", s["consultant50"]),
        get("portfolio_500", "/portfolio/", s["consultant500"]),
        get("platform", "/platform/", s["platform"], requests=max(5, requests // 4)),
    ]
    # The floor is measured in short bursts between the pages and pooled, so a noisy moment
    # on a shared machine moves the floor and the pages alike.
    floor = get("floor", f"{org}/ping", home["session"], requests=max(5, requests // 4))
    steps = [floor]
    for page in pages:
        steps += [page, floor]
    users = t["homes"][:load_users]
    load = [
        {
            "name": "load_save",
            "concurrency": len(users),
            "requests": len(users) * 4,
            "seconds": seconds * 2,
            "method": "POST",
            "variants": [
                {
                    "session": u["session"],
                    "path": f"/o/{u['slug']}/assessment/item/{u['response']}/",
                    "data": _save_data(u["response"], i),
                    "headers": {
                        "HX-Request": "true",
                        "HX-Current-URL": f"https://127.0.0.1/o/{u['slug']}/assessment/",
                    },
                }
                for i, u in enumerate(users)
            ],
            "path": item,
            "session": home["session"],
        },
        {
            # The floor under the same load: as many requests at once as the savers.
            "name": "load_floor",
            "path": f"{org}/ping",
            "session": home["session"],
            "requests": len(users) * 4,
            "seconds": seconds * 2,
            "concurrency": len(users),
        },
    ]
    return steps + [load]


def _serve(env: dict, port: int, workers: int) -> subprocess.Popen:
    log = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "dspt_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "300",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):  # noqa: S310
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn exited; see {log.name}")
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within a minute")


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def _drive(env: dict, port: int, scenarios: list) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"base": f"http://127.0.0.1:{port}", "steps": scenarios}, f)
    try:
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.client", f.name],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(f.name)
    pooled: dict[str, dict] = {}
    for r in map(json.loads, out.stdout.splitlines()):
        if r["name"] in pooled:
            seen = pooled[r["name"]]
            seen["latencies"] += r["latencies"]
            seen["wall"] += r["wall"]
            seen["errors"] += r["errors"]
            seen["error_count"] += r["error_count"]
        else:
            pooled[r["name"]] = r
    return {name: _summary(r) for name, r in pooled.items()}


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=2000, help="organisations (default 2,000)")
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--seconds", type=float, default=45, help="time limit per page")
    parser.add_argument("--load-users", type=int, default=30, help="users saving at once")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--pdf-runs", type=int, default=2)
    parser.add_argument("--no-growth", action="store_true", help="skip the 10×N sweep")
    args = parser.parse_args(argv)
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    media = ROOT / "var" / "bench" / "private"
    media.mkdir(parents=True, exist_ok=True)
    env = _env(database_url, media)
    env["CACHE_URL"], cache = _private_redis()
    try:
        return _run(args, database_url, env)
    finally:
        if cache is not None:
            cache.kill()
            cache.wait()


def _run(args, database_url: str, env: dict) -> int:
    results: dict = {"orgs": args.orgs, "machine": _machine(), "pages": {}}

    _postgres_ready(database_url)
    t0 = _step(f"recreating {urlsplit(database_url).path.lstrip('/')} and seeding {args.orgs}")
    _recreate_database(database_url)
    _django(env)
    from . import timing

    prepared = _prepare(args.orgs)
    results["seed_seconds"] = round(prepared["seconds"], 1)
    _step(f"seeded in {prepared['seconds']:.0f} s; reminder sweep over {args.orgs} homes")
    results["sweep"] = [timing.sweep()]

    _analyze()
    targets = _targets(prepared["people"])
    from django.db import connections

    connections.close_all()
    port = int(os.environ.get("BENCH_PORT") or _free_port())
    _step(f"gunicorn ({args.workers} workers) on 127.0.0.1:{port}; driving the pages")
    server = _serve(env, port, args.workers)
    try:
        results["pages"] = _drive(
            env, port, _scenarios(targets, args.requests, args.seconds, args.load_users)
        )
    finally:
        _stop(server)

    _step("assessment PDF against plain WeasyPrint; Word report")
    results["pdf"] = timing.pdf(runs=args.pdf_runs)
    results["docx"] = timing.docx()

    if not args.no_growth:
        _step(f"seeding {9 * args.orgs} more homes for the sweep at {10 * args.orgs}")
        from django_scopes import scopes_disabled

        from .seed import seed

        with scopes_disabled():
            seed(9 * args.orgs, start=args.orgs)
        results["sweep"].append(timing.sweep())
    results["total_seconds"] = round(time.perf_counter() - t0, 1)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")
    return 0


def _machine() -> dict:
    info = {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "cpus": os.cpu_count(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def _verdict(ratio: float, limit: float) -> str:
    return "met" if ratio <= limit else f"missed by {ratio / limit:.1f}×"


def table(results: dict) -> str:
    """The one table `make bench` prints (and the README keeps)."""
    pages = results["pages"]
    floor = pages.get("floor")
    lines = [
        f"DSPT Portal bench: {results['orgs']:,} organisations, "
        f"{results['machine'].get('cpus')} CPUs, load {results['machine'].get('load_average')}",
        "",
        "| Path | p50 ms | p95 ms | req/s | × floor p50 | × floor p95 | Target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in pages.items():
        ref = pages["load_floor"] if name == "load_save" else floor
        r50, r95 = row["p50_ms"] / ref["p50_ms"], row["p95_ms"] / ref["p95_ms"]
        target = ""
        if name in TARGETS:
            text, limit, which = TARGETS[name]
            target = f"{text}: {_verdict(r95 if which == 'p95' else r50, limit)}"
        errors = f" ({row['errors']} errors)" if row["errors"] else ""
        lines.append(
            f"| {name}{errors} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['rps']} "
            f"| {r50:.1f} | {r95:.1f} | {target} |"
        )
    pdf = results.get("pdf")
    if pdf:
        ratio = pdf["report_seconds"] / pdf["plain_seconds"]
        lines.append(
            f"| assessment PDF ({pdf['pages']} pages) | {1000 * pdf['report_seconds']:.0f} | "
            f"| | {ratio:.2f}× plain WeasyPrint ({1000 * pdf['plain_seconds']:.0f} ms) | "
            f"| ≤ 1.3×: {_verdict(ratio, 1.3)} |"
        )
    docx = results.get("docx")
    if docx:
        lines.append(
            f"| Word report | {1000 * docx['seconds']:.0f} | | | | "
            f"| under 1 s: {_verdict(docx['seconds'], 1.0)} |"
        )
    sweeps = results.get("sweep", [])
    for s in sweeps:
        lines.append(
            f"| reminder sweep, {s['organisations']:,} homes | {1000 * s['seconds']:.0f} | "
            f"| {s['organisations'] / s['seconds']:.0f} homes/s | "
            f"{s['batches']} batches, slowest {1000 * s['slowest_batch']:.0f} ms | | |"
        )
    if len(sweeps) == 2:
        growth = sweeps[1]["seconds"] / sweeps[0]["seconds"]
        size = sweeps[1]["organisations"] / sweeps[0]["organisations"]
        lines.append(
            f"| sweep growth ×{size:.0f} homes | ×{growth:.1f} time | | | | "
            f"| linear or better: {_verdict(growth / size, 1.15)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
