"""The load client: its own process, loopback only, bounded in requests and seconds.

`python -m bench.client SPEC.json` reads scenarios and prints one JSON result per scenario.
Each scenario runs `concurrency` threads, each with its own keep-alive connection, until
`requests` are done or `seconds` have passed. Requests carry the session cookie of a real
user and `X-Forwarded-Proto: https`, as the TLS-terminating proxy in front of gunicorn would
(production settings redirect plain HTTP and mark cookies secure).
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

CSRF = "benchcsrftokenbenchcsrftoken1234"  # 32 characters, sent as cookie and header


def _headers(base: str, scenario: dict) -> dict:
    host = urlsplit(base).netloc
    headers = {
        "Host": host,
        "X-Forwarded-Proto": "https",
        "Cookie": f"sessionid={scenario['session']}; csrftoken={CSRF}",
        "User-Agent": "dspt-bench",
        "Accept": "text/html",
    }
    if scenario.get("method", "GET") == "POST":
        headers.update(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": CSRF,
                "Origin": f"https://{host}",
                "Referer": f"https://{host}{scenario['path']}",
            }
        )
    headers.update(scenario.get("headers", {}))
    return headers


def _one(conn, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, int]:
    """One request; a keep-alive connection the server has closed meanwhile is reopened once
    (as a browser does), inside the timing."""
    for attempt in (1, 2):
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, len(response.read())
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            conn.close()  # http.client reconnects on the next request
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _request(base: str, scenario: dict) -> tuple[str, bytes | None, dict]:
    body = urlencode(scenario["data"]).encode() if scenario.get("data") else None
    return scenario["path"], body, _headers(base, scenario)


def run(base: str, scenario: dict) -> dict:
    """Thread i sends the i-th of `variants` (other users, other pages) if there are any."""
    split = urlsplit(base)
    method = scenario.get("method", "GET")
    variants = [{**scenario, **v} for v in scenario.get("variants", [])] or [scenario]
    requests_ = [_request(base, v) for v in variants]
    expect = scenario.get("expect", 200)
    total, seconds = scenario.get("requests", 30), scenario.get("seconds", 30.0)
    concurrency = scenario.get("concurrency", 1)
    latencies: list[float] = []
    errors: list[str] = []
    sizes: list[int] = []
    lock = threading.Lock()
    issued = 0
    started = time.perf_counter()

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= total or time.perf_counter() - started > seconds:
                return False
            issued += 1
            return True

    def worker(index: int):
        path, body, headers = requests_[index % len(requests_)]
        conn = http.client.HTTPConnection(split.hostname, split.port, timeout=300)
        for _ in range(scenario.get("warmup", 1)):
            try:
                _one(conn, method, path, body, headers)
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection(split.hostname, split.port, timeout=300)
        barrier.wait()
        while take():
            t0 = time.perf_counter()
            try:
                status, size = _one(conn, method, path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(split.hostname, split.port, timeout=300)
                status, size = 0, 0
                error = f"{type(exc).__name__}: {exc}"
            else:
                error = "" if status == expect else f"HTTP {status}"
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                sizes.append(size)
                if error:
                    errors.append(error)
        conn.close()

    barrier = threading.Barrier(concurrency + 1)
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "name": scenario["name"],
        "latencies": latencies,
        "errors": errors[:5],
        "error_count": len(errors),
        "wall": wall,
        "bytes": round(sum(sizes) / len(sizes)) if sizes else 0,
        "concurrency": concurrency,
    }


def run_parallel(base: str, scenarios: list[dict]) -> list[dict]:
    """Scenarios that run at the same time (e.g. the floor measured under a load of saves)."""
    results: list[dict | None] = [None] * len(scenarios)

    def go(i: int):
        results[i] = run(base, scenarios[i])

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(scenarios))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main(path: str) -> int:
    with open(path) as f:
        spec = json.load(f)
    for step in spec["steps"]:
        if isinstance(step, list):
            for result in run_parallel(spec["base"], step):
                print(json.dumps(result), flush=True)
        else:
            print(json.dumps(run(spec["base"], step)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
