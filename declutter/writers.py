"""Writers: clean results go to a mirrored tree of .txt files, a JSONL file, or stdout.

File outputs are crash safe: a tree file appears only complete (temporary file + rename); a JSONL
output grows in ``NAME.part`` and is renamed when the run ends, so ``--resume`` can pick up
after the last complete line.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from itertools import chain, count
from pathlib import Path, PurePosixPath

_UNSAFE = re.compile(r"[^\w.-]+")  # \w: letters and digits of every script ("статья.txt" stays readable)
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
_MAX_NAME = 150  # characters, and at most _MAX_NAME_BYTES as UTF-8 (file systems count bytes: 255)
_MAX_NAME_BYTES = 200  # room for atomic_write's ".NAME.xxxxxxxx.tmp"


def safe_name(name: str) -> str:
    """One path component that cannot escape a directory or name a device; a long one is cut
    before its extension, which it keeps."""
    cleaned = _UNSAFE.sub("_", name).strip("._") or "record"
    if _WINDOWS_DEVICES.match(cleaned):
        cleaned = "_" + cleaned
    if len(cleaned) > _MAX_NAME or len(cleaned.encode("utf-8")) > _MAX_NAME_BYTES:
        stem, dot, suffix = cleaned.rpartition(".")
        if not (dot and stem and len(suffix) <= 10):
            stem, dot, suffix = cleaned, "", ""
        stem = stem[: _MAX_NAME - len(dot + suffix)]
        while len((stem + dot + suffix).encode("utf-8")) > _MAX_NAME_BYTES:
            stem = stem[:-1]
        cleaned = stem + dot + suffix
    return cleaned


def safe_relative_path(relative: str) -> Path:
    """A relative path made only of safe components: no ``..``, no root, no devices."""
    parts = [safe_name(p) for p in PurePosixPath(relative.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    return Path(*parts) if parts else Path("record")


_TEMPORARY_SUFFIX = ".tmp"


def _file_mode() -> int:
    """The mode ``open()`` gives a new file: 0o666 less the process's umask (read without changing
    it where /proc tells, else by setting and restoring it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_MODE = _file_mode()


def _temporary_beside(path: Path, suffix: str) -> tuple[int, str]:
    """A new hidden file (descriptor, name) in ``path``'s directory, with the mode any new file
    gets (``mkstemp`` alone makes it private to the owner)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.fchmod(fd, _MODE)
    return fd, name


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that the file is either absent or complete."""
    fd, tmp = _temporary_beside(path, _TEMPORARY_SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


TREE_INDEX_NAME = ".declutter-index.jsonl"  # in an output directory: which record each file holds


class TreeWriter:
    """One ``.txt`` file per record under ``root``, no two records of a run on the same file. Each
    file written is noted in ``TREE_INDEX_NAME`` under the record's identity (its file's absolute
    path, and its place in that file: the same however the input is spelt), so that
    ``--resume`` knows which records are done and gives the others files of their own, whatever
    changed meanwhile (a record that failed to read before, a new input file)."""

    def __init__(self, root: Path, resume: bool = False) -> None:
        self.root = root
        self.claimed: set[Path] = set()
        self.entries: dict[str, dict] = {}  # path claimed → its index entry, written with the file
        root.mkdir(parents=True, exist_ok=True)
        # a run killed mid-write leaves its temporary file (".page.txt.x1y2.tmp") behind
        for stale in root.rglob(f".*.txt.*{_TEMPORARY_SUFFIX}"):
            stale.unlink(missing_ok=True)
        index = root / TREE_INDEX_NAME
        self.earlier, self.by_name, torn = _tree_index(index) if resume else ({}, {}, False)
        self.reserved = {self.target(p) for paths in self.earlier.values() for p in paths}  # earlier runs' files
        self.index = index.open("a" if resume else "w", encoding="utf-8", errors="surrogateescape")
        if torn:
            self.index.write("\n")  # a line cut short by a kill: the next entry starts a line of its own

    def claim(self, identity: str, source: str, preferred: str, alternative: str) -> tuple[str, bool]:
        """The relative path of a record's file, and whether an earlier run (``--resume``) wrote it
        already. ``identity`` names the record whatever its input path is spelt like (``source``:
        its input file): a record an earlier run wrote gets that file again (the n-th record of one
        identity, the n-th file), and so does one of the same ``alternative`` name whose earlier
        input file is gone (the input moved); any other the first of ``preferred``,
        ``alternative`` and ``alternative`` numbered (``name-2.txt``, within the name length limit)
        that no record of this run or an earlier one has."""
        earlier = self.earlier.get(identity) or self._moved(alternative)
        if earlier:
            relative = earlier.pop(0)
            self.claimed.add(self.target(relative))
            self.entries[relative] = {"record": identity, "source": source, "name": alternative, "path": relative}
            return relative, self.target(relative).exists()
        base = self.target(alternative)
        numbered = (base.with_name(safe_name(f"{base.stem[: _MAX_NAME - 20]}-{n}{base.suffix}")) for n in count(2))
        for target in chain((self.target(preferred), base), numbered):
            if target not in self.claimed and target not in self.reserved:
                self.claimed.add(target)
                relative = target.relative_to(self.root).as_posix()
                self.entries[relative] = {"record": identity, "source": source, "name": alternative, "path": relative}
                return relative, False
        raise AssertionError("unreachable: numbered names never run out")

    def _moved(self, name: str) -> list[str] | None:
        """The earlier files of a record named ``name`` whose input file no longer exists."""
        for identity, source in self.by_name.get(name, ()):
            if self.earlier.get(identity) and not os.path.exists(source):
                return self.earlier[identity]
        return None

    def target(self, relative: str) -> Path:
        return self.root / safe_relative_path(relative)

    def write(self, relative: str, text: str) -> None:
        atomic_write(self.target(relative), text + "\n" if text else "")
        self.index.write(json.dumps(self.entries.pop(relative), ensure_ascii=False) + "\n")
        self.index.flush()

    def close(self) -> None:
        self.index.close()


def _tree_index(path: Path) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, str]]], bool]:
    """A record's identity → the files an earlier run wrote for records of it, in order; a
    record's name → (identity, input file) of those; and whether the last line was cut short by a
    kill (no entry: its record is cleaned again)."""
    earlier: dict[str, list[str]] = {}
    by_name: dict[str, list[tuple[str, str]]] = {}
    if not path.exists():
        return earlier, by_name, False
    line = "\n"
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
                earlier.setdefault(entry["record"], []).append(entry["path"])
                by_name.setdefault(entry["name"], []).append((entry["record"], entry["source"]))
            except (ValueError, KeyError, TypeError):
                continue
    return earlier, by_name, not line.endswith("\n")


class LineWriter:
    """A stream of lines (JSONL or text) to stdout or to a file that grows as ``NAME.part``."""

    def __init__(self, path: Path | None, resume: bool = False) -> None:
        self.path = path
        self.keys: set[str] = set()
        if path is None:
            self.handle = sys.stdout
            return
        self.part = path.with_name(path.name + ".part")
        if resume and self.part.exists():
            self.keys = _complete_keys(self.part)
        elif resume and path.exists():
            self.keys = _complete_keys(path)
            path.rename(self.part)
        else:
            self.part.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.part.open("a", encoding="utf-8", errors="backslashreplace")  # a file name that is not UTF-8

    def write(self, line: str) -> None:
        if self.path is None and not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:  # a file name that is not UTF-8: escaped as in a file output (stdout's
                line = line.encode("utf-8", "backslashreplace").decode("utf-8")  # surrogateescape wrote its raw bytes)
        self.handle.write(line + "\n")

    def flush(self) -> None:
        self.handle.flush()

    def close(self, complete: bool = True) -> None:
        """Flush, and give a file output its final name; a run that did not end (a crash,
        Ctrl-C) leaves ``NAME.part``, which ``--resume`` continues."""
        if self.path is None:
            self.handle.flush()
            return
        self.handle.close()
        if complete:
            os.replace(self.part, self.path)


class ErrorReport:
    """The JSONL error report, created at the first failure (a run without failures writes
    nothing, so it also works in a read-only directory) under a temporary name of its own (two
    runs in one directory do not share one) and given its name when the run ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = None
        self.temporary: str | None = None

    def write(self, line: str) -> None:
        if self.handle is None:  # an OSError here ends the run: a failure must not go unreported
            fd, self.temporary = self._new_file(".part")
            self.handle = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace")
        self.handle.write(line + "\n")

    def check(self) -> None:
        """Raise now, before any work, if the report could not be written."""
        if self.path.is_dir():  # the temporary file beside it could be written, the rename at the end not
            raise OSError(f"cannot write the error report {self.path} (it is a directory); name a file with --errors")
        fd, probe = self._new_file(".probe")
        os.close(fd)
        os.unlink(probe)

    def _new_file(self, suffix: str) -> tuple[int, str]:
        try:
            return _temporary_beside(self.path, suffix)
        except OSError as exc:
            raise OSError(f"cannot write the error report {self.path} ({exc.strerror}); name a writable one with --errors") from exc

    @property
    def written(self) -> bool:
        return self.handle is not None

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            os.replace(self.temporary, self.path)


def _complete_keys(path: Path) -> set[str]:
    """Keys of the complete lines of a JSONL file; a torn last line is cut off."""
    keys: set[str] = set()
    good = 0
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                obj = json.loads(line)
                keys.add(obj["declutter"]["key"] if isinstance(obj.get("declutter"), dict) else obj["key"])
            except (ValueError, KeyError, TypeError):
                break
            good += len(line)
    with path.open("r+b") as handle:
        handle.truncate(good)
    return keys
