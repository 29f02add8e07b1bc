"""Pack the built bundle into the zip handed out to volunteers.

    python tools/make_zip.py            (after `make build` or `pyinstaller build.spec`)

writes dist/Begleiter-<version>-<system>-<arch>.zip (system: linux, windows or macos; arch from
platform.machine()), holding one folder Begleiter-<version> with the bundle, a README.txt for volunteers
in German, Ukrainian and English, and on Linux install-desktop-entry.sh for the application menu.
Standard library only, so it runs with any Python 3.11 on each system. Symbolic links in the bundle stay
links in the zip (a copy of each would double the Qt libraries).
"""

from __future__ import annotations

import os
import platform
import stat
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
SYSTEMS = {"linux": "linux", "win32": "windows", "darwin": "macos"}
ARCHES = {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}

README = """\
Begleiter {version} – Супровід

DEUTSCH
1. Diese ZIP-Datei entpacken (Windows: Rechtsklick › „Alle extrahieren…“).
2. Im Ordner Begleiter-{version} das Programm „{program}“ starten. Fertig: keine Installation, keine
   Administratorrechte, kein Internet nötig. Beim ersten Start fragt Begleiter nach Sprache und Passphrase.
Auf einem USB-Stick: neben „{program}“ eine leere Datei „portable.txt“ anlegen. Dann bleiben Profil und
Einstellungen im Ordner „Begleiter-Daten“ auf dem Stick, und auf dem Laptop wird nichts gespeichert.
{extra_de}
УКРАЇНСЬКА
1. Розпакуйте цей ZIP-файл (Windows: права кнопка миші › «Видобути все…»).
2. У теці Begleiter-{version} запустіть програму «{program}». Готово: без встановлення, без прав
   адміністратора, без інтернету. Під час першого запуску програма запитає мову й парольну фразу.
На USB-флешці: створіть поруч із «{program}» порожній файл «portable.txt». Тоді профіль і налаштування
зберігаються в теці «Begleiter-Daten» на флешці, а на ноутбуці нічого не залишається.
{extra_uk}
ENGLISH
1. Unzip this file (Windows: right-click › "Extract All…").
2. In the folder Begleiter-{version}, start the program "{program}". Done: no installation, no administrator
   rights, no internet needed. On the first start Begleiter asks for the language and a passphrase.
On a USB stick: create an empty file "portable.txt" beside "{program}". The profile and settings then stay
in the folder "Begleiter-Daten" on the stick, and nothing is kept on the laptop.
{extra_en}"""

EXTRA = {
    "linux": {
        "de": "Ins Anwendungsmenü (nur für Sie, ohne Administratorrechte): sh install-desktop-entry.sh\n",
        "uk": "До меню програм (лише для вас, без прав адміністратора): sh install-desktop-entry.sh\n",
        "en": "Into the application menu (for you only, no administrator rights): sh install-desktop-entry.sh\n",
    },
    "windows": {
        "de": "Warnt Windows („Der Computer wurde durch Windows geschützt“): „Weitere Informationen“ › "
        "„Trotzdem ausführen“.\n",
        "uk": "Якщо Windows попереджає («Windows захистила ваш комп'ютер»): «Докладніше» › «Усе одно запустити».\n",
        "en": 'If Windows warns ("Windows protected your PC"): "More info" › "Run anyway".\n',
    },
    "macos": {
        "de": "Beim ersten Mal: Rechtsklick auf Begleiter › „Öffnen“.\n",
        "uk": "Першого разу: права кнопка миші на Begleiter › «Відкрити».\n",
        "en": 'The first time: right-click Begleiter › "Open".\n',
    },
}


def system_name() -> str:
    return SYSTEMS.get(sys.platform, sys.platform)


def arch_name() -> str:
    machine = platform.machine().lower()
    return ARCHES.get(machine, machine)


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from desktop import __version__

    return __version__


def readme(system: str, version_: str) -> str:
    program = {"windows": "begleiter.exe", "macos": "Begleiter"}.get(system, "begleiter")
    extra = EXTRA[system] if system in EXTRA else {"de": "", "uk": "", "en": ""}
    text = README.format(
        version=version_, program=program, extra_de=extra["de"], extra_uk=extra["uk"], extra_en=extra["en"]
    )
    return text.replace("\n", "\r\n") if system == "windows" else text


def add_tree(archive: zipfile.ZipFile, source: Path, target: str) -> None:
    """source's files under target/ in the archive, with their permissions; links stay links."""
    for path in sorted(source.rglob("*")):
        name = f"{target}/{path.relative_to(source).as_posix()}"
        if path.is_symlink():
            info = zipfile.ZipInfo(name, date_time=time.localtime(path.lstat().st_mtime)[:6])
            info.create_system = 3  # Unix: the attributes below are a mode
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, os.readlink(path))
        elif path.is_file():
            archive.write(path, name)
        elif path.is_dir() and not any(path.iterdir()):
            archive.write(path, name + "/")


def add_text(archive: zipfile.ZipFile, name: str, text: str, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.create_system = 3
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text.encode("utf-8"))


def make_zip(dist: Path = DIST) -> Path:
    system, version_ = system_name(), version()
    bundle = dist / "Begleiter.app" if system == "macos" else dist / "begleiter"
    if not bundle.is_dir():
        raise SystemExit(f"{bundle} is missing: build it first (make build, or pyinstaller build.spec)")
    folder = f"Begleiter-{version_}"
    out = dist / f"{folder}-{system}-{arch_name()}.zip"
    part = out.with_suffix(".zip.part")
    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        add_tree(archive, bundle, folder + ("/Begleiter.app" if system == "macos" else ""))
        add_text(archive, f"{folder}/README.txt", readme(system, version_))
        if system == "linux":
            script = ROOT / "resources" / "linux" / "install-desktop-entry.sh"
            add_text(archive, f"{folder}/{script.name}", script.read_text(encoding="utf-8"), 0o755)
    part.replace(out)
    return out


def main() -> int:
    out = make_zip()
    print(f"{out} ({out.stat().st_size / 2**20:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
