"""The public surface: small, complete, and the same objects other systems import."""

from __future__ import annotations

import ipdesignate


def test_all_is_complete() -> None:
    """Every public name is in __all__, and every name in __all__ exists (httpx's test)."""
    public = {n for n in dir(ipdesignate) if not n.startswith("_")}
    assert public <= set(ipdesignate.__all__) | {"annotations"}
    for name in ipdesignate.__all__:
        assert hasattr(ipdesignate, name), name


def test_exception_tree() -> None:
    e = ipdesignate
    for cls in (e.RulebookError, e.ProfileError, e.EventsError):
        assert issubclass(cls, e.InputError)
    for cls in (e.InputError, e.VersionError, e.LifecycleError):
        assert issubclass(cls, e.IpdesignateError)


def test_version() -> None:
    assert ipdesignate.__version__.count(".") == 2


def test_lazy_exports_resolve_to_the_defining_module() -> None:
    from ipdesignate import _EXPORTS  # type: ignore[attr-defined]

    assert set(_EXPORTS) | {"__version__"} == set(ipdesignate.__all__)
    from ipdesignate.decision.model import Decision

    assert ipdesignate.Decision is Decision


def test_star_import_binds_exactly_all() -> None:
    """Every name in ``__all__`` imports in a fresh interpreter, and nothing else is bound."""
    import subprocess
    import sys

    code = ("import ipdesignate; ns = {}; exec('from ipdesignate import *', ns); "
            "print(sorted(k for k in ns if k != '__builtins__') == sorted(ipdesignate.__all__))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "True", done.stderr


def test_every_error_class_is_public_and_drawn_in_the_docstring() -> None:
    import inspect

    from ipdesignate._core import errors

    classes = {name for name, obj in vars(errors).items()
               if inspect.isclass(obj) and issubclass(obj, Exception)
               and obj.__module__ == errors.__name__}
    assert classes <= set(ipdesignate.__all__)
    doc = ipdesignate.__doc__ or ""
    for name in classes:
        assert name in doc, f"{name} is not drawn in the package docstring"


def test_public_objects_come_from_the_package() -> None:
    for name in ipdesignate.__all__:
        obj = getattr(ipdesignate, name)
        module = getattr(obj, "__module__", None)
        assert module is None or module.startswith("ipdesignate"), (name, module)
