"""Runtime argument checks used by the generated code (``if __debug__:``).

Like the real runtime this delegates to typeguard, checking every item of
collections, so a wrong type passed to a struct or constructor fails here just
as it would for a user.

What users get: the jsii runtime (>= 1.140, which now owns this helper)
installs typeguard 2.13.3, whose ``check_type(argname=..., value=...,
expected_type=...)`` raises a plain ``TypeError`` such as
``type of argument scope must be constructs.Construct; got int instead``, and
which accepts any object for a non-runtime protocol, i.e. a jsii interface
such as ``IRole``.  typeguard 2.13.3 is not obtainable here (the local
wheelhouse has typeguard 4 only, Debian's python3-typeguard is 2.2), so this
stand-in runs typeguard 4 and gives users' behaviour back: protocols are not
checked member by member, and a mismatch is raised as typeguard 2's
``TypeError`` (typeguard 4's ``TypeCheckError`` is not a ``TypeError``).
"""

import functools
import typing


@functools.lru_cache(maxsize=None)
def cached_type_hints(func: typing.Callable[..., typing.Any]) -> typing.Dict[str, typing.Any]:
    return typing.get_type_hints(func)


def _skip_protocol(value: typing.Any, origin_type: typing.Any, args: typing.Any, memo: typing.Any) -> None:
    return None


def _non_runtime_protocol_lookup(origin_type: typing.Any, args: typing.Any, extras: typing.Any) -> typing.Any:
    if getattr(origin_type, "_is_protocol", False) and not getattr(origin_type, "_is_runtime_protocol", False):
        return _skip_protocol
    return None


_typeguard: typing.Any = None


def _load_typeguard() -> typing.Any:
    global _typeguard
    if _typeguard is None:
        import typeguard

        if _non_runtime_protocol_lookup not in typeguard.checker_lookup_functions:
            typeguard.checker_lookup_functions.insert(0, _non_runtime_protocol_lookup)
        _typeguard = typeguard
    return _typeguard


def check_type(argname: str, value: object, expected_type: typing.Any) -> typing.Any:
    from ._reference_map import InterfaceDynamicProxy

    typeguard = _load_typeguard()
    if isinstance(value, InterfaceDynamicProxy):
        return value
    try:
        return typeguard.check_type(
            value,
            expected_type,
            collection_check_strategy=typeguard.CollectionCheckStrategy.ALL_ITEMS,
        )
    except typeguard.TypeCheckError as error:
        # typeguard 2.13.3's wording and exception type (what users catch)
        raise TypeError(
            f"type of {argname} must be {_qualified_name(expected_type)}; got {_qualified_name(type(value))} instead ({error})"
        ) from None


def _qualified_name(obj: typing.Any) -> str:
    if isinstance(obj, type):
        module = obj.__module__
        return obj.__qualname__ if module == "builtins" else f"{module}.{obj.__qualname__}"
    return str(obj).replace("typing.", "")
