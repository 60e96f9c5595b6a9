"""The query page's third-party browser code: YASGUI, installed from npm.

The server must work offline, so YASGUI's minified build is kept in
``server/static/vendor/`` and served by this server, not loaded from a CDN.
``server/static/package.json`` and its lock file pin the version; this module
installs exactly that (``npm ci``) in a scratch directory, copies the built
files into ``vendor/`` together with the licences of everything the bundle
contains, and records what it copied in ``vendor/manifest.json`` so that an
offline check can tell whether the committed files match the lock file.

    python -m server.vendor build    # needs npm and the npm registry
    python -m server.vendor check    # offline: vendor/ matches the lock file

When the vendor files are missing, the query page falls back to its own
small editor (see :mod:`server.views.ui`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

STATIC = Path(__file__).parent / "static"
VENDOR = STATIC / "vendor"
PACKAGE = "@zazuko/yasgui"
#: Built files of the package that the page loads, copied unchanged.
DIST_FILES = ("yasgui.min.js", "yasgui.min.css")
MANIFEST = "manifest.json"
LICENSE_FILE = "LICENSE"
NOTICES_FILE = "THIRD-PARTY-NOTICES.txt"

_LICENSE_NAMES = ("license", "license.md", "license.txt", "licence", "licence.md", "licence.txt",
                  "copying", "copying.txt")

#: The npm package ships no licence file; its README states MIT for the
#: fork's and the original authors' code, so the standard MIT terms are
#: recorded here with the holders the package names.
YASGUI_LICENSE = """YASGUI (@zazuko/yasgui {version}, with @zazuko/yasqe, @zazuko/yasr and
@zazuko/yasgui-utils): a fork by Zazuko GmbH of software written by Triply.
Released under the MIT license:

MIT License

Copyright (c) Triply B.V. and Zazuko GmbH

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

The bundle also contains the packages listed, with their licences, in
THIRD-PARTY-NOTICES.txt.
"""


class VendorError(Exception):
    """The vendor files cannot be built, or do not match the lock file."""


@dataclass(frozen=True)
class Bundle:
    """The vendored YASGUI files, as URLs paths below ``/static``."""

    script: str
    stylesheet: str


def bundle() -> Bundle | None:
    """The vendored YASGUI, or None when its files are missing (the page then
    falls back to the built-in editor)."""
    if all((VENDOR / name).is_file() for name in DIST_FILES):
        return Bundle(script="vendor/" + DIST_FILES[0], stylesheet="vendor/" + DIST_FILES[1])
    return None


def locked_version(static: Path = STATIC) -> str:
    """The version of YASGUI that the lock file pins."""
    lock = json.loads((static / "package-lock.json").read_text(encoding="utf-8"))
    try:
        return lock["packages"][f"node_modules/{PACKAGE}"]["version"]
    except KeyError:
        raise VendorError(f"{static / 'package-lock.json'} does not lock {PACKAGE}") from None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(static: Path = STATIC) -> dict:
    """Raise :class:`VendorError` unless ``vendor/`` holds the locked version's
    files unchanged, with their licences; returns the manifest."""
    vendor = static / "vendor"
    try:
        manifest = json.loads((vendor / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VendorError(f"{vendor / MANIFEST} is missing; run `python -m server.vendor build`") from None
    expected = locked_version(static)
    if manifest.get("package") != PACKAGE or manifest.get("version") != expected:
        raise VendorError(f"vendor/ holds {manifest.get('package')} {manifest.get('version')}, "
                          f"the lock file pins {PACKAGE} {expected}; run `python -m server.vendor build`")
    for name in DIST_FILES + (LICENSE_FILE, NOTICES_FILE):
        path = vendor / name
        if not path.is_file():
            raise VendorError(f"{path} is missing; run `python -m server.vendor build`")
    for name, digest in manifest.get("files", {}).items():
        if _sha256(vendor / name) != digest:
            raise VendorError(f"{vendor / name} differs from what `npm ci` installed")
    if set(manifest.get("files", {})) != set(DIST_FILES):
        raise VendorError("the manifest does not list the built files")
    return manifest


def _licence_text(package_dir: Path) -> str | None:
    for child in sorted(package_dir.iterdir()):
        if child.is_file() and child.name.lower() in _LICENSE_NAMES:
            return child.read_text(encoding="utf-8", errors="replace").strip()
    return None


def _notices(node_modules: Path, lock: dict) -> str:
    """Every installed package of the lock file with its declared licence and
    licence text, since the minified bundle carries none of them."""
    parts = ["Packages contained in yasgui.min.js and yasgui.min.css, as installed by `npm ci` "
             "from server/static/package-lock.json.\n"]
    for key, entry in sorted(lock["packages"].items()):
        if not key.startswith("node_modules/"):
            continue
        directory = node_modules.parent / key
        name = key.removeprefix("node_modules/").replace("/node_modules/", " > ")
        header = f"{name} {entry.get('version', '')} -- {entry.get('license', 'licence not declared')}"
        text = _licence_text(directory) if directory.is_dir() else None
        if text is None and name.startswith("@zazuko/"):
            text = "See LICENSE."
        parts.append("=" * 78 + "\n" + header + "\n" + "=" * 78 + "\n"
                     + (text or "(the package ships no licence file; see its declared licence above)") + "\n")
    return "\n".join(parts)


def build(static: Path = STATIC, npm: str = "npm") -> dict:
    """Install the locked packages with ``npm ci`` in a scratch directory and
    copy the built files and licences into ``vendor/``."""
    if shutil.which(npm) is None:
        raise VendorError(f"{npm} is not installed")
    vendor = static / "vendor"
    with tempfile.TemporaryDirectory(prefix="kg-vendor-") as scratch:
        work = Path(scratch)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(static / name, work / name)
        # Install scripts are not needed to use a package's build output.
        subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=work, check=True)
        package_dir = work / "node_modules" / PACKAGE
        version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
        lock = json.loads((work / "package-lock.json").read_text(encoding="utf-8"))
        vendor.mkdir(parents=True, exist_ok=True)
        files = {}
        for name in DIST_FILES:
            source = package_dir / "build" / name
            if not source.is_file():
                raise VendorError(f"{PACKAGE} {version} has no build/{name}")
            shutil.copyfile(source, vendor / name)
            files[name] = _sha256(vendor / name)
        (vendor / LICENSE_FILE).write_text(YASGUI_LICENSE.format(version=version), encoding="utf-8")
        (vendor / NOTICES_FILE).write_text(_notices(work / "node_modules", lock), encoding="utf-8")
    manifest = {"package": PACKAGE, "version": version, "files": files}
    (vendor / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.vendor", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("build", "check"))
    parser.add_argument("--npm", default="npm", help="the npm command (build only)")
    args = parser.parse_args(argv)
    try:
        manifest = build(npm=args.npm) if args.action == "build" else check()
    except (VendorError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{manifest['package']} {manifest['version']}: " + ", ".join(sorted(manifest["files"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
