"""Optional sampling profiles (py-spy) of the stack's processes while a figure is measured: what limits it.

`pip install py-spy`, then `python -m bench.run --profile`: each profile is written as collapsed stacks to
bench/results/, and the functions where most samples were taken (own time) are printed.
"""

import shutil
import subprocess
from collections import Counter
from pathlib import Path

from bench.report import RESULTS


class Profiler:
    def __init__(self, enabled: bool) -> None:
        if enabled and not shutil.which("py-spy"):
            raise SystemExit("--profile needs py-spy: pip install py-spy")
        self.enabled = enabled
        self.running: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        self.summaries: dict[str, list[tuple[str, float]]] = {}

    def start(self, name: str, pid: int, seconds: float) -> None:
        if not self.enabled:
            return
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"profile-{name}.txt"
        process = subprocess.Popen(["py-spy", "record", "--pid", str(pid), "--duration", str(int(seconds)),
                                    "--rate", "100", "--format", "raw", "--nonblocking", "--output", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.running.append((name, process, out))

    def finish(self) -> None:
        for name, process, out in self.running:
            process.wait()
            if out.exists():
                self.summaries[name] = hottest(out)
        self.running.clear()


OURS = ("(domain/", "(projections/", "(gateway/", "(workers/")


def hottest(collapsed: Path, top: int = 10) -> list[tuple[str, float]]:
    """From a py-spy raw (collapsed) profile: the leaf functions with the most samples, then the project's
    own functions by the share of samples that pass through them."""
    leaves: Counter[str] = Counter()
    through: Counter[str] = Counter()
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f.rsplit(":", 1)[0] + ")" if ":" in f else f for f in stack.split(";")]
        leaves[frames[-1]] += int(count)
        for frame in set(frames):
            if any(part in frame for part in OURS) and "(workers/cli.py" not in frame:  # not the entry point
                through[frame] += int(count)
    total = sum(leaves.values()) or 1
    return ([(frame, n / total) for frame, n in leaves.most_common(top)]
            + [("(with callees) " + frame, n / total) for frame, n in through.most_common(top)])
