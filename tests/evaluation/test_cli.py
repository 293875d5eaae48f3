"""`kozaguard evaluate` end to end: the text report, `--json`, `--out`, `--from`, and exit 2 on bad input."""

from __future__ import annotations

import io
import json

from rich.console import Console
from typer.testing import CliRunner

from kozaguard.entrypoints import evaluation_cli
from kozaguard.entrypoints.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["evaluate", *args])


def sample_args(data_dir) -> list[str]:
    folder = data_dir / "sample"
    return [
        "--events",
        str(folder / "events.jsonl"),
        "--labels",
        str(folder / "labels.jsonl"),
        "--decisions",
        str(folder / "decisions.jsonl"),
    ]


def test_text_report_has_the_three_sections(data_dir):
    result = invoke(*sample_args(data_dir))
    assert result.exit_code == 0, result.output
    out = result.output
    for heading in ("== Attacks", "== Loss", "== Friction"):
        assert heading in out
    assert "¥501,200" in out and "¥495,700" in out and "98.9%" in out
    assert "otp_relay   1        0" in out


def test_rich_tables_on_a_terminal(data_dir):
    folder = data_dir / "sample"
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=140, color_system=None)
    status = evaluation_cli.run(
        folder / "events.jsonl", folder / "labels.jsonl", folder / "decisions.jsonl", console=console
    )
    assert status == 0
    text = buf.getvalue()
    assert "Attacks" in text and "Loss" in text and "Friction" in text
    assert "┃" in text or "│" in text  # drawn as tables
    assert "¥495,700" in text


def test_json_report_and_out_file(data_dir, tmp_path):
    out = tmp_path / "report.json"
    result = invoke(*sample_args(data_dir), "--json", "--out", str(out))
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == json.loads(out.read_text())
    assert list(printed) == ["schema_version", "stream", "attacks", "loss", "friction", "checks", "notes"]
    assert printed["loss"]["prevented_jpy"] == 495_700.0


def test_from_limits_friction_to_the_period(data_dir):
    result = invoke(*sample_args(data_dir), "--json", "--from", "2025-03-17T09:00:00+09:00")
    assert result.exit_code == 0, result.output
    f = json.loads(result.stdout)["friction"]
    assert f["from"] == "2025-03-17T09:00:00+09:00"
    # From 09:00: logins K004 09:10 and K001 10:00 (K002 08:40 and K001 08:45 are warm-up)
    assert (f["logins"]["count"], f["logins"]["challenged"]) == (2, 1)
    assert f["factor_changes"]["count"] == 0  # K001's passkey at 08:46
    assert json.loads(result.stdout)["attacks"]["total"] == 2  # attacks are scored on the whole stream


def test_from_without_an_offset_is_a_usage_error(data_dir):
    result = invoke(*sample_args(data_dir), "--from", "2025-03-17T09:00:00")
    assert result.exit_code == 2
    assert "offset" in result.output


def test_a_bad_line_exits_2_naming_file_and_line(data_dir, tmp_path):
    folder = data_dir / "sample"
    bad = tmp_path / "decisions.jsonl"
    lines = (folder / "decisions.jsonl").read_text().splitlines()
    lines[2] = '{"event_id":"ev-0012","decision":"allow","score":1.5}'
    bad.write_text("\n".join(lines) + "\n")
    args = sample_args(data_dir)
    args[-1] = str(bad)
    result = invoke(*args)
    assert result.exit_code == 2
    assert f"{bad}:3: event ev-0012: field `score`" in result.stderr
    assert result.stdout == ""


def test_an_inconsistent_file_exits_2_naming_file_and_line(data_dir, tmp_path):
    folder = data_dir / "sample"
    labels = tmp_path / "labels.jsonl"
    text = (folder / "labels.jsonl").read_text()
    labels.write_text(
        text + '{"event_id":"ev-9999","actor":"attacker","attack_id":"A9","capability":"session"}\n'
    )
    args = sample_args(data_dir)
    args[3] = str(labels)
    result = invoke(*args)
    assert result.exit_code == 2
    assert f"{labels}:10: label for event ev-9999, which is not in" in result.stderr
