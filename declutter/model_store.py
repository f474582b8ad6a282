"""Saving and loading a model: ``model.joblib`` beside ``manifest.json`` in one directory.

joblib files run code when loaded, so a model is only loaded when it is trusted: the shipped
default model is checked against the sha256 recorded in the package, and any other model needs
``trust=True`` (``--trust-model`` on the command line).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import threading
import warnings
from datetime import datetime, timezone
from pathlib import Path

from declutter.categories import LABELS

FORMAT_VERSION = 2  # 2: shape columns in quantile bins (shape_edges_) instead of standardised
MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"
METRICS_FILE = "metrics.txt"  # the build's figures (scripts/build_model.py)
MODEL_DIRECTORY_FILES = frozenset({MODEL_FILE, MANIFEST_FILE, METRICS_FILE})  # what saving a model may replace
_STAGING = ".saving-"  # + process and thread id: a save's files before they are moved in
_PACKAGE = Path(__file__).resolve().parent
DEFAULT_MODEL_HASH_FILE = _PACKAGE / "default_model.sha256"


class ModelError(RuntimeError):
    """A model could not be loaded: missing, corrupt, untrusted or from incompatible versions."""


def default_model_dir() -> Path:
    """The shipped model: inside the installed package, or ``models/default`` of a checkout."""
    for candidate in (_PACKAGE / "_models" / "default", _PACKAGE.parent / "models" / "default"):
        if (candidate / MODEL_FILE).exists():
            return candidate
    raise ModelError("the default model is missing; build it with: python scripts/build_model.py")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_model_directory(directory: str | Path) -> None:
    """Raise :class:`ModelError` unless a model can be saved to ``directory``: it is new, or holds
    nothing but a model's files (``MODEL_DIRECTORY_FILES``, hidden ones such as ``.keep``)."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ModelError(f"{directory} exists and is not a directory")
    if directory.is_dir():
        others = sorted(p.name for p in directory.iterdir() if p.name not in MODEL_DIRECTORY_FILES and not p.name.startswith("."))
        if others:
            raise ModelError(f"{directory} holds other files than a model ({', '.join(others[:3])}{', …' if len(others) > 3 else ''}): "
                             "save the model to a new directory")


def save_model(model, directory: str | Path, **manifest_fields) -> Path:
    """Write ``model`` and its manifest (versions, categories, features, hash, extra fields).

    Both are written inside ``directory`` under a temporary name, then moved over the old ones:
    a model interrupted while saving leaves no half-written file, and an old ``metrics.txt``,
    which would describe the old model, is removed. The directory itself (a symlink, a mount
    point, ``.``) stays."""
    check_model_directory(directory)
    directory = Path(directory)
    Path(os.path.realpath(directory)).mkdir(parents=True, exist_ok=True)  # a symlink to a directory not made yet too
    for stale in directory.glob(f"{_STAGING}*-*"):  # left by a save that was killed (not by one still running)
        pid = stale.name.removeprefix(_STAGING).split("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    staging = directory / f"{_STAGING}{os.getpid()}-{threading.get_ident()}"
    staging.mkdir()
    try:
        _write_model(model, staging, manifest_fields)
        os.replace(staging / MODEL_FILE, directory / MODEL_FILE)  # if this fails, the old model stays whole
        (directory / METRICS_FILE).unlink(missing_ok=True)  # the old model's figures
        os.replace(staging / MANIFEST_FILE, directory / MANIFEST_FILE)  # a model and an old manifest: a clear sha256 error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return directory


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but is another user's
        return True
    return True


def _write_model(model, directory: Path, manifest_fields: dict) -> None:
    import joblib
    import sklearn

    from declutter import __version__

    model_path = directory / MODEL_FILE
    joblib.dump(model, model_path, compress=3)
    manifest = {
        "format_version": FORMAT_VERSION,
        "declutter_version": __version__,
        "sklearn_version": sklearn.__version__,
        "python_version": platform.python_version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "categories": [str(c) for c in model.classes_],
        "feature_settings": model.settings.to_dict(),
        "params": model.get_params(),
        "model_sha256": sha256_of(model_path),
        **manifest_fields,
    }
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def read_manifest(directory: str | Path) -> dict:
    path = Path(directory) / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"no {MANIFEST_FILE} in {directory}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"corrupt manifest {path}: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ModelError(f"corrupt manifest {path}: a JSON object is expected, not {type(manifest).__name__}")
    return manifest


def load_model(directory: str | Path | None = None, trust: bool = False, check_only: bool = False):
    """Load a model directory after checking trust, integrity and versions. With
    ``check_only`` every check runs but nothing is unpickled: returns ``(None, manifest)``."""
    import joblib  # here, not at the top: ``declutter --help`` need not import scikit-learn
    import sklearn
    from sklearn.exceptions import InconsistentVersionWarning

    from declutter import __version__
    from declutter.drop_rule import DropRule

    is_default = directory is None
    directory = default_model_dir() if is_default else Path(directory)
    if directory.is_file():
        directory = directory.parent
    model_path = directory / MODEL_FILE
    if not model_path.exists():
        raise ModelError(f"no {MODEL_FILE} in {directory}")
    manifest = read_manifest(directory)
    actual = sha256_of(model_path)
    if is_default:
        expected = DEFAULT_MODEL_HASH_FILE.read_text().strip() if DEFAULT_MODEL_HASH_FILE.exists() else None
        if actual != expected:
            raise ModelError(f"the shipped model {model_path} does not match the sha256 recorded in the package")
    elif not trust:
        raise ModelError(
            f"refusing to load {model_path}: model files can run code when loaded. "
            "Pass trust=True (--trust-model) if you trust where it came from."
        )
    if manifest.get("model_sha256") != actual:
        raise ModelError(f"{model_path} is corrupt or was changed: its sha256 differs from the manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"model format {manifest.get('format_version')} (declutter {manifest.get('declutter_version')}) "
            f"cannot be read by declutter {__version__} (format {FORMAT_VERSION})"
        )
    if _minor(manifest.get("sklearn_version", "")) != _minor(sklearn.__version__):
        raise ModelError(
            f"model written with scikit-learn {manifest.get('sklearn_version')}, but scikit-learn "
            f"{sklearn.__version__} is installed; install the matching version or retrain the model"
        )
    for format in ("html", "text"):  # a damaged rule fails here, not at the first document (on a Spark executor)
        try:
            DropRule.from_manifest(manifest, format)
        except (TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"corrupt manifest {directory / MANIFEST_FILE}: its {format} drop rule: {exc}") from exc
    if check_only:
        return None, manifest
    try:
        with warnings.catch_warnings():  # the minor version matches (checked above): a patch release apart is no news
            warnings.simplefilter("ignore", InconsistentVersionWarning)
            model = joblib.load(model_path)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means the file is unusable
        raise ModelError(f"could not load {model_path}: {exc}") from exc
    unknown = set(map(str, model.classes_)) - set(LABELS)
    if unknown:
        raise ModelError(f"model knows categories this declutter does not: {sorted(unknown)}")
    return model, manifest


def _minor(version) -> str | None:
    return ".".join(version.split(".")[:2]) if isinstance(version, str) else None
