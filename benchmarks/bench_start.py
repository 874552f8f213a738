"""Statement to a running prototype: `scaffold`, `make install`, `make run`, first HTTP 200, per blueprint.

Target (from the issue): at most 10 s with warm package caches, for every blueprint, when uv is on PATH. The same
path with pip (uv hidden from PATH) is measured beside it, for the README. One untimed warm-up per installer fills
the caches (uv's and pip's); each timed run starts from a fresh folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from _common import Report, clean_env, import_test_helper, parser, run, scaffold_command, scratch

LIMIT_S = 10.0
STATEMENTS = {
    "api": "Logistics partners need to push shipment status updates to us and query the latest delivery ETA",
    "streamlit": "Warehouse supervisors need to see which pick orders are late and reassign them to another picker",
    "chatbot": "Patients keep phoning reception to ask about parking, opening hours and repeat prescriptions",
}
#: Where each blueprint's prototype answers once it is up.
READY = {"api": "/health", "streamlit": "/_stcore/health", "chatbot": "/_stcore/health"}


def path_without_uv() -> str:
    """PATH less every folder that holds a `uv`, so `make install` takes its pip branch."""
    return os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "uv").exists())


def path_with_uv() -> str:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    return os.pathsep.join([str(Path(uv).parent), os.environ["PATH"]])


def statement_to_running(blueprint: str, cwd: Path, env: dict[str, str], tag: str) -> float:
    """Seconds from starting scaffold to the first 200 from the running prototype."""
    scaffold, _ = scaffold_command()
    out = cwd / f"{blueprint}-{tag}"
    port = import_test_helper("prototype_server").free_port()
    start = time.perf_counter()
    run([*scaffold, "--offline", "--blueprint", blueprint, STATEMENTS[blueprint], "--out", str(out)], cwd=cwd, env=env)
    run(["make", "install"], cwd=out, env=env, timeout=600)
    server = subprocess.Popen(
        ["make", "run"],
        cwd=out,
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        url = f"http://127.0.0.1:{port}{READY[blueprint]}"
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:  # 127.0.0.1 only
                    if response.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{blueprint} did not answer {url} within 120 s")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def main() -> int:
    args = parser(__doc__.splitlines()[0], repeat=2).parse_args()
    report = Report("bench_start", "statement to a running prototype (scaffold, make install, make run)")
    with scratch("start") as tmp:
        cwd = Path(tmp)
        for blueprint in STATEMENTS:
            for installer, path in (("uv", path_with_uv()), ("pip", path_without_uv())):
                env = clean_env(PATH=path)
                times = [statement_to_running(blueprint, cwd, env, f"{installer}-{i}") for i in range(-1, args.repeat)]
                stats = report.add(f"{blueprint} with {installer}", times[1:])
                if installer == "uv":
                    report.target(f"{blueprint}: statement to first 200 (uv)", stats["median"], LIMIT_S, " s")
    return report.finish()


if __name__ == "__main__":
    raise SystemExit(main())
