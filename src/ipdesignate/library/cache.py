"""An on-disk cache of validated rulebooks, so a command-line call skips YAML and checks.

A rulebook file is read, validated, quote-checked and its embedded cases are run once;
the validated model is then kept under a key made of the file's sha256, the sha256 of the
engine's own code (so an edited engine never reuses an entry), and the Python and pydantic
versions. An entry also records the sha256 of the legal source text the citations were
checked against: if that text changed, the entry is not used. A hit still compiles the
designations (about a millisecond) and defers the lifecycle to its first use.

Safe to delete at any time (``$IPDESIGNATE_CACHE``, else ``$XDG_CACHE_HOME/ipdesignate``,
else ``~/.cache/ipdesignate``); ``IPDESIGNATE_CACHE=off`` turns it off. An entry that cannot
be read is ignored and replaced: the cache only ever saves time, never changes a result.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path as FsPath
from typing import Any

ENV_VAR = "IPDESIGNATE_CACHE"
_FORMAT = b"ipdesignate-rulebook-cache/2"  # /2: entries keep the vocabulary's kinds
_ENGINE_DIGEST: str | None = None


def directory() -> FsPath | None:
    """Where entries live, or None when the cache is off."""
    env = os.environ.get(ENV_VAR)
    if env:
        return None if env.lower() in ("off", "0", "no", "false") else FsPath(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return FsPath(base) / "ipdesignate"


def engine_digest() -> str:
    """sha256 over the engine's source files and the versions of what pickles the model.

    Hashing every source file costs each command-line run ~4 ms, so the digest is kept
    (in the cache directory) under a stamp of the files' status: path, size, inode, and
    modification and change times in nanoseconds. Any write to a file moves its change
    time (which no tool can set back), and a replaced file has another inode: a file
    whose bytes differ never matches an old stamp, and a new stamp hashes the contents.
    """
    global _ENGINE_DIGEST
    if _ENGINE_DIGEST is None:
        _ENGINE_DIGEST = source_digest(FsPath(__file__).resolve().parent.parent, directory())
    return _ENGINE_DIGEST


def source_digest(package: FsPath, memo_dir: FsPath | None) -> str:
    """``engine_digest`` of the package at ``package``, memoised in ``memo_dir``."""
    import pydantic

    versions = f"{sys.version_info[:2]} {pydantic.VERSION}".encode()
    files = _sources(str(package))
    stamp = hashlib.sha256(_FORMAT + versions)
    for rel, st in files:
        stamp.update(f"{rel}\0{st.st_size} {st.st_ino} {st.st_mtime_ns} "
                     f"{st.st_ctime_ns}\n".encode())
    memo = memo_dir / f"engine-{stamp.hexdigest()}" if memo_dir is not None else None
    digest = _read_memo(memo) if memo is not None else None
    if digest is None:
        h = hashlib.sha256(_FORMAT)
        h.update(versions)
        for rel, _st in files:
            h.update(rel.encode())
            h.update((package / rel).read_bytes())
        digest = h.hexdigest()
        if memo is not None:
            _write_atomically(memo, digest.encode())
    return digest


def _sources(package: str) -> list[tuple[str, os.stat_result]]:
    """Every ``.py`` file under the package (relative path, status), in path order."""
    out: list[tuple[str, os.stat_result]] = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                out.append((os.path.relpath(path, package).replace(os.sep, "/"),
                            os.stat(path)))
    out.sort(key=lambda item: item[0])
    return out


def _read_memo(memo: FsPath) -> str | None:
    try:
        st = memo.stat()
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            return None  # only our own memo (another user's could vouch for other code)
        text = memo.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else None


def _entry(sha256: str) -> FsPath | None:
    where = directory()
    if where is None:
        return None
    try:
        engine = engine_digest()
    except OSError:  # a source file vanished while being read (an upgrade): no cache
        return None
    key = hashlib.sha256(f"{sha256}:{engine}".encode()).hexdigest()
    return where / f"{key}.pickle"


def digest(path: FsPath) -> str | None:
    """sha256 of a file the entry depends on (None if it cannot be read)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read(sha256: str) -> dict[str, Any] | None:
    """What was kept for the file whose bytes hash to ``sha256``, if still valid: every
    file it depended on (source text, vocabulary) must still have the same bytes."""
    entry = _entry(sha256)
    if entry is None:
        return None
    try:
        st = entry.stat()
        # another user's entry could run code when unpickled: trust only our own
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            return None
        data: dict[str, Any] = pickle.loads(entry.read_bytes())
        if data["sha256"] != sha256:
            return None
        for path, want in data["deps"].items():
            if digest(FsPath(path)) != want:
                return None  # e.g. the legal text the quotes were checked against changed
        return data
    except Exception:  # a damaged or foreign entry only costs a fresh load
        return None


def write(sha256: str, deps: list[FsPath], **kept: Any) -> None:
    """Keep ``kept`` for the file whose bytes hash to ``sha256``, valid while ``deps``
    keep their bytes (atomically; best effort: a read-only home just means no cache)."""
    entry = _entry(sha256)
    if entry is None:
        return
    payload = {"sha256": sha256, "deps": {str(p.resolve()): digest(p) for p in deps}, **kept}
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something that does not pickle: run without the cache
        return
    _write_atomically(entry, data)


def _write_atomically(target: FsPath, data: bytes) -> None:
    """Best effort: a read-only home or a full disk just means running without the cache."""
    import tempfile  # only when writing (a miss): a hit does not pay for its import

    tmp: str | None = None
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".entry.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        tmp = None
    except Exception:  # a read-only home or a full disk: run without the cache
        pass
    finally:
        if tmp is not None:
            FsPath(tmp).unlink(missing_ok=True)
