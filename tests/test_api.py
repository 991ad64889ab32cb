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
