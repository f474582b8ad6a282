"""Argument checks shared by the API, the drop rule and Spark: a setting every document would
fail on is refused where it is given, in one wording."""

from __future__ import annotations

from numbers import Integral, Real


def check_whole_number(name: str, value, minimum: int, optional: bool = False) -> None:
    """Raise ValueError unless ``value`` is an int of at least ``minimum`` (or None when ``optional``)."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}{' or None' if optional else ''}, not {value!r}")


def check_number(name: str, value, minimum: float, maximum: float | None = None) -> None:
    """Raise TypeError unless ``value`` is a number (not a bool), ValueError unless it lies in
    [``minimum``, ``maximum``] (NaN does not)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, not {value!r}")
    if not (value >= minimum and (maximum is None or value <= maximum)):
        raise ValueError(f"{name} must be between {minimum} and {maximum}, not {value!r}" if maximum is not None
                         else f"{name} must be a number of at least {minimum}, not {value!r}")
