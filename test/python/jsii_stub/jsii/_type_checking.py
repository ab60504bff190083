"""Runtime argument checks used by the generated code (``if __debug__:``).

Like the real runtime this delegates to typeguard, checking every item of
collections, so a wrong type passed to a struct or constructor fails here just
as it would for a user.

Generated packages run against typeguard < 4.3 (the range jsii pins), which
does not check values against non-runtime protocols, i.e. jsii interfaces such
as ``IRole``: it accepts any object there.  The local wheelhouse only has a
newer typeguard that checks protocol members one by one (reading each jsii
property), so that older behaviour is restored below.
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
    # Raises typeguard.TypeCheckError, as the real runtime lets it do.
    return typeguard.check_type(
        value,
        expected_type,
        collection_check_strategy=typeguard.CollectionCheckStrategy.ALL_ITEMS,
    )
