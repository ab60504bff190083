"""Registry of the jsii types the generated modules declared (stand-in).

The real runtime uses it to turn kernel references back into Python objects;
here it only records, by jsii fully qualified name, which Python class each
generated type became, so tests can cross-check the bindings.
"""

from typing import Any, Dict, List, Type

#: jsii FQN -> Python class, for every class/struct/enum/interface seen.
types: Dict[str, Type[Any]] = {}
#: jsii FQN -> kind ("class", "datatype", "enum", "interface").
kinds: Dict[str, str] = {}
#: instances of jsii classes created so far (weakly bounded: tests only).
references: List[Any] = []


def _register(kind: str, cls: Type[Any]) -> None:
    fqn = getattr(cls, "__jsii_type__", None)
    if fqn is None:
        return
    types[fqn] = cls
    kinds[fqn] = kind


def register_type(cls: Type[Any]) -> None:
    _register("class", cls)


def register_data_type(cls: Type[Any]) -> None:
    _register("datatype", cls)


def register_enum(cls: Type[Any]) -> None:
    _register("enum", cls)


def register_interface(cls: Type[Any]) -> None:
    _register("interface", cls)


def register_reference(inst: Any) -> None:
    if len(references) < 10_000:
        references.append(inst)


def resolve_type(fqn: str) -> Type[Any]:
    return types[fqn]


class InterfaceDynamicProxy:
    """Never instantiated here: the real runtime builds these for values
    that implement several interfaces at once; ``check_type`` skips them."""
