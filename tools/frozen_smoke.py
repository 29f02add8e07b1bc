"""Smoke test of the frozen bundle (dist/begleiter): the programs a volunteer gets, run as they are run.

    python3 tools/frozen_smoke.py [BUNDLE_DIR]

With the system's Python, standard library only. In a temporary folder (removed afterwards), with a
temporary home folder so nothing lands in the real one:
 0. on Linux, every library Qt's X11 platform plugin (xcb) needs is in the bundle or on this system (ldd): a
    build machine that lacks one ships a bundle that cannot open a window on a laptop lacking it too; and
    reportlab's C accelerators are in the bundle (without them every PDF takes twice as long);
 1. begleiter-cli init makes a profile (passphrase from BEGLEITER_PASSPHRASE) and demo adds 50 people;
 2. the windowed begleiter --smoke-test unlocks that profile, shows the main window, searches and renders a
    form, and quits 0;
 3. begleiter-cli render writes a worksheet for one of the people: a PDF that names them;
 4. begleiter-cli export writes an encrypted bundle of everything, a second profile imports it, and its
    digest (records and their counts) equals the first profile's; the second profile passes its check.
Exit 0 when every step passed, else 1 with the failing step's output.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 50
TIMEOUT = 300  # seconds for one command; the first start of a fresh bundle is the slowest


class Failed(Exception):
    """A step did not do what it should."""


def program(bundle: Path, name: str) -> Path:
    path = bundle / (name + ".exe" if sys.platform == "win32" else name)
    if not path.is_file():
        raise Failed(f"{path} is missing: run `make build` first")
    return path


def run(env: dict[str, str], *argv: object) -> str:
    """Run one program of the bundle, its output as text; Failed unless it exits 0."""
    command = [str(arg) for arg in argv]
    print("$", " ".join(Path(command[0]).name if i == 0 else arg for i, arg in enumerate(command)), flush=True)
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=TIMEOUT
    )
    if done.returncode != 0:
        raise Failed(f"exit {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout


def environment(temp: Path) -> dict[str, str]:
    """The caller's environment with a temporary home and fresh passphrases; Qt draws off screen."""
    home = temp / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("BEGLEITER_")}
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        APPDATA=str(home / "AppData" / "Roaming"),
        LOCALAPPDATA=str(home / "AppData" / "Local"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        QT_QPA_PLATFORM="offscreen",
        BEGLEITER_PASSPHRASE="smoke " + secrets.token_urlsafe(18),
        BEGLEITER_BUNDLE_PASSPHRASE="team " + secrets.token_urlsafe(18),
    )
    return env


def x11_libraries(bundle: Path) -> None:
    """Failed when ldd finds no copy of a library that the bundle's xcb platform plugin loads."""
    if not sys.platform.startswith("linux"):
        return
    if not shutil.which("ldd"):
        print("(ldd not found: the X11 platform plugin's libraries are not checked)")
        return
    plugin = bundle / "_internal" / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.is_file():
        raise Failed(f"{plugin} is missing: the bundle cannot open a window on X11")
    # The bootloader puts _internal on the library path; the plugin finds Qt's libraries by its own RUNPATH.
    env = dict(os.environ, LD_LIBRARY_PATH=str(bundle / "_internal"))
    print("$ ldd", plugin.relative_to(bundle), flush=True)
    done = subprocess.run(["ldd", str(plugin)], env=env, capture_output=True, text=True, check=True, timeout=60)
    missing = sorted({line.split()[0] for line in done.stdout.splitlines() if "not found" in line})
    if missing:
        raise Failed(
            f"Qt's X11 platform plugin needs {', '.join(missing)}, which neither the bundle nor this system has: "
            "install them here (Debian/Ubuntu: libxcb-icccm4, libxcb-keysyms1, ...) and build again"
        )


def pdf_accelerators(bundle: Path) -> None:
    """Failed when the bundle lacks reportlab's C accelerators (rl_accel's _rl_accel extension): reportlab
    would fall back to Python without a word."""
    if not any(bundle.rglob("_rl_accel*")):
        raise Failed("reportlab's accelerators (_rl_accel, from rl_accel) are not in the bundle")


def digest(env: dict[str, str], cli: Path, profile: Path) -> dict:
    return json.loads(run(env, cli, "--data-dir", profile, "digest", "--json"))


def smoke(bundle: Path, temp: Path) -> None:
    gui, cli = program(bundle, "begleiter"), program(bundle, "begleiter-cli")
    env = environment(temp)
    first, second = temp / "anna", temp / "bohdan"

    print(run(env, cli, "--version").strip())
    x11_libraries(bundle)
    pdf_accelerators(bundle)
    run(env, cli, "--data-dir", first, "init", "--language", "de", "--device-name", "anna")
    run(env, cli, "--data-dir", first, "demo", "--people", PEOPLE, "--seed", "1")
    out = run(env, gui, "--smoke-test", "--data-dir", first)
    # Windows gives a windowed program nowhere to print: there its exit code says it passed.
    if sys.platform != "win32" and f"smoke test passed ({PEOPLE} people" not in out:
        raise Failed(f"the GUI's smoke test did not report {PEOPLE} people:\n{out}")

    people = json.loads(run(env, cli, "--data-dir", first, "search", "--json", ""))
    if len(people) < 1:
        raise Failed("search found no one in the demo profile")
    person = people[0]
    pdf = temp / "worksheet.pdf"
    run(env, cli, "--data-dir", first, "render", "arbeitsblatt-hauptantrag", "--person", person["id"], "--out", pdf)
    if not pdf.read_bytes().startswith(b"%PDF-"):
        raise Failed(f"{pdf.name} is not a PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, encoding="utf-8", check=True, timeout=60
        ).stdout
        if person["family_name"].casefold() not in text.casefold():
            raise Failed("the worksheet does not name the person it was filled for")
    else:
        print("(pdftotext not found: the worksheet's text is not checked)")

    stick = temp / "stick"
    stick.mkdir()
    run(env, cli, "--data-dir", first, "export", "--all", "--out", stick)
    [bundle_file] = list(stick.iterdir())
    run(env, cli, "--data-dir", second, "init", "--language", "uk", "--device-name", "bohdan")
    report = json.loads(run(env, cli, "--data-dir", second, "import", bundle_file, "--json"))
    if report.get("already_known") or not report.get("new"):
        raise Failed(f"the import added nothing: {report}")
    sent, received = digest(env, cli, first), digest(env, cli, second)
    if received["counts"] != sent["counts"] or received["digest"] != sent["digest"]:
        raise Failed(f"the second profile differs after the import:\n{sent}\n{received}")
    if received["counts"].get("person") != PEOPLE:
        raise Failed(f"the second profile holds {received['counts'].get('person')} people, not {PEOPLE}")
    run(env, cli, "--data-dir", second, "check")
    print(f"frozen smoke test passed: {PEOPLE} people, GUI, PDF and a bundle from anna to bohdan")


def main(argv: list[str]) -> int:
    bundle = Path(argv[0]) if argv else ROOT / "dist" / "begleiter"
    temp = Path(tempfile.mkdtemp(prefix="begleiter-frozen-smoke-"))
    try:
        smoke(bundle.resolve(), temp)
        return 0
    except (Failed, subprocess.CalledProcessError, subprocess.TimeoutExpired, json.JSONDecodeError, ValueError) as exc:
        print(f"frozen smoke test FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
