"""The experiments simulator runs end to end and ends with the lines the issue asks for, in order."""

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "experiments.py"


def test_the_simulator_prints_the_false_winner_and_detection_rates_and_the_channel_order_regret_last() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--experiments", "200"], capture_output=True, text=True,
                          timeout=600, cwd=SCRIPT.parents[1])
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-3:]
    assert re.fullmatch(r"A/A false winner rate: 0\.\d{4}", last[0]), last
    assert re.fullmatch(r"A/B detection rate: [01]\.\d{4}", last[1]), last
    assert re.fullmatch(r"channel-order regret vs best fixed: -?\d+\.\d+.*", last[2]), last
    assert float(last[0].split(": ")[1]) <= 0.05 and float(last[1].split(": ")[1]) >= 0.8
