"""`python -m solver` as a student runs it: the article's output, JSON, explanations, errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "expected_output.txt"


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "solver", *args], cwd=ROOT, capture_output=True, timeout=120
    )


def test_no_arguments_prints_the_article_output_byte_for_byte():
    result = run_cli()
    assert result.returncode == 0
    assert result.stdout == GOLDEN.read_bytes()
    assert result.stdout.count(b"\n") == 101


def test_options_change_the_run_and_keep_the_line_format():
    result = run_cli(
        "--equation", "x^2 = 2", "--lr", "0.05", "--steps", "3", "--precision", "float64"
    )
    lines = result.stdout.decode().splitlines()
    assert lines[0] == "0: x=1.0000000, y=-1.0000000, dL/dx=-4.0000000"
    assert lines[1] == "1: x=1.2000000, y=-0.5600000, dL/dx=-2.6880000"
    assert len(lines) == 4 and lines[-1].startswith("x=")


def test_dtype_is_still_accepted_for_precision():
    data = json.loads(run_cli("--steps", "2", "--dtype", "float64", "--json").stdout)
    assert data["settings"]["precision"] == "float64"


def test_json_has_the_run():
    data = json.loads(run_cli("--json").stdout)
    assert data["outcome"] == "converged"
    assert f"{data['final_x']:.7f}" == "1.4142133"
    assert data["root"] == pytest.approx(2**0.5)
    assert data["iterations"][1] == {
        "k": 1,
        "x": data["iterations"][1]["x"],
        "y": data["iterations"][1]["y"],
        "loss": data["iterations"][1]["loss"],
        "grad": data["iterations"][1]["grad"],
    }
    assert f"{data['iterations'][1]['grad']:.7f}" == "-3.8205440"
    assert len(data["iterations"]) == 100


def test_json_of_a_diverged_run_is_strict_json():
    out = run_cli("--json", "--lr", "1e30", "--x0", "3").stdout.decode()
    assert "NaN" not in out and "Infinity" not in out
    assert json.loads(out)["outcome"] == "diverged"


def test_explain_in_both_languages():
    en = run_cli("--explain", "1").stdout.decode()
    ja = run_cli("--explain", "1", "--lang", "ja").stdout.decode()
    assert "-3.8205440" in en and "x_2 = 1.0782053" in en
    assert "連鎖律" in ja and "-3.8205440" in ja


@pytest.mark.parametrize(
    "args",
    [
        ("--equation", "y + 1"),
        ("--equation", "__import__('os')"),
        ("--lr", "abc"),
        ("--lr", "0"),
        ("--steps", "0"),
        ("--optimizer", "rmsprop"),
        ("--explain", "100"),
        ("--bogus",),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(args):
    result = run_cli(*args)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert result.stdout == b""


def test_plot_writes_a_png(tmp_path):
    target = tmp_path / "run.png"
    result = run_cli("--plot", str(target))
    assert result.returncode == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
