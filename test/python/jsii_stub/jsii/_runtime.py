"""Metaclasses, decorators and a recording kernel (stand-in for the jsii runtime)."""

import abc
import collections.abc
import datetime
import enum as builtin_enum
import importlib.resources
import typing
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Type, TypeVar

from . import _reference_map
from .python import _ClassProperty, _ClassPropertyMeta


class KernelCall(NamedTuple):
    """One call the generated code made into the (absent) node kernel."""

    api: str
    """``load``, ``create``, ``get``, ``set``, ``invoke``, ``sget``, ``sset``, ``sinvoke`` ..."""
    target: Any
    """The object (or class, for static calls; the assembly name for ``load``)."""
    name: Optional[str]
    """Property or method name (jsii name); the jsii FQN for ``create``."""
    args: Sequence[Any]
    """Arguments as passed (``create``/``invoke``) or ``[value]`` for ``set``."""


class Kernel:
    """Records kernel calls instead of forwarding them to node.

    Values: ``get`` returns what an earlier ``set`` stored on the same object;
    otherwise ``get``/``sget``/``invoke``/``sinvoke`` return a *placeholder*
    of the member's declared Python return type (see :func:`placeholder`),
    so code written against the bindings keeps running: ``Duration.minutes(5)``
    gives a ``Duration`` instance, a ``str`` member a token-like string, a
    list ``[]`` and so on.  Placeholders are memoised per object and member.
    """

    def __init__(self) -> None:
        self.calls: List[KernelCall] = []
        self.assemblies: Dict[str, str] = {}
        # id(obj) -> (obj, {jsii name: value}); the object is kept alive so ids stay unique.
        self._values: Dict[int, Tuple[Any, Dict[str, Any]]] = {}

    def reset(self) -> None:
        self.calls.clear()
        self._values.clear()

    def calls_of(self, api: str) -> List[KernelCall]:
        return [c for c in self.calls if c.api == api]

    def _slot(self, obj: Any) -> Dict[str, Any]:
        entry = self._values.get(id(obj))
        if entry is None or entry[0] is not obj:
            entry = (obj, {})
            self._values[id(obj)] = entry
        return entry[1]

    def _result(self, owner: Any, klass: Type[Any], name: str, memo_key: Optional[str]) -> Any:
        if memo_key is not None:
            slot = self._slot(owner)
            if memo_key in slot:
                return slot[memo_key]
        value = placeholder(_declared_return_type(klass, name), f"{getattr(klass, '__name__', klass)}.{name}")
        if memo_key is not None:
            self._slot(owner)[memo_key] = value
        return value

    # -- assemblies ---------------------------------------------------------
    def load(self, name: str, version: str, tarball: str) -> None:
        self.assemblies[name] = version
        self.calls.append(KernelCall("load", name, version, [tarball]))

    # -- objects ------------------------------------------------------------
    def create(self, klass: Type[Any], obj: Any = None, args: Optional[Sequence[Any]] = None, *rest: Any, **kw: Any) -> Any:
        fqn = getattr(klass, "__jsii_type__", None) or klass.__name__
        self.calls.append(KernelCall("create", obj, fqn, list(args or [])))
        self._slot(obj)
        return obj

    def delete(self, obj: Any) -> None:
        self.calls.append(KernelCall("delete", obj, None, []))
        self._values.pop(id(obj), None)

    def get(self, obj: Any, property: str) -> Any:
        self.calls.append(KernelCall("get", obj, property, []))
        return self._result(obj, type(obj), property, property)

    def set(self, obj: Any, property: str, value: Any) -> None:
        self.calls.append(KernelCall("set", obj, property, [value]))
        self._slot(obj)[property] = value

    def invoke(self, obj: Any, method: str, args: Optional[Sequence[Any]] = None) -> Any:
        self.calls.append(KernelCall("invoke", obj, method, list(args or [])))
        return self._result(obj, type(obj), method, None)

    def ainvoke(self, obj: Any, method: str, args: Optional[Sequence[Any]] = None) -> Any:
        self.calls.append(KernelCall("ainvoke", obj, method, list(args or [])))
        return self._result(obj, type(obj), method, None)

    # -- statics ------------------------------------------------------------
    def sget(self, klass: Type[Any], property: str) -> Any:
        self.calls.append(KernelCall("sget", klass, property, []))
        return self._result(klass, klass, property, property)

    def sset(self, klass: Type[Any], property: str, value: Any) -> None:
        self.calls.append(KernelCall("sset", klass, property, [value]))
        self._slot(klass)[property] = value

    def sinvoke(self, klass: Type[Any], method: str, args: Optional[Sequence[Any]] = None) -> Any:
        self.calls.append(KernelCall("sinvoke", klass, method, list(args or [])))
        return self._result(klass, klass, method, None)

    def stats(self) -> Dict[str, int]:
        return {"objectCount": len(self._values)}


_MISSING = object()
_return_type_cache: Dict[Tuple[Any, str], Any] = {}


def _member_function(attr: Any) -> Any:
    """The function behind a generated member (property, classproperty, (static/class)method)."""
    if isinstance(attr, property):
        return attr.fget
    if isinstance(attr, _ClassProperty):
        return attr.fget
    if isinstance(attr, (classmethod, staticmethod)):
        return attr.__func__
    return attr


def _declared_return_type(klass: Any, jsii_name: str) -> Any:
    """Python return annotation of the generated member named ``jsii_name``."""
    key = (klass, jsii_name)
    cached = _return_type_cache.get(key, _MISSING)
    if cached is not _MISSING:
        return cached
    result: Any = None
    for base in getattr(klass, "__mro__", ()):
        for attr in vars(base).values():
            fn = _member_function(attr)
            # @jsii.member sits outside @classmethod for static methods.
            name = getattr(attr, "__jsii_name__", None) or getattr(fn, "__jsii_name__", None)
            if name == jsii_name:
                try:
                    result = typing.get_type_hints(fn).get("return")
                except Exception:  # unresolvable annotation: no typed placeholder
                    result = None
                break
        else:
            continue
        break
    _return_type_cache[key] = result
    return result


def placeholder(hint: Any, label: str = "value") -> Any:
    """A stand-in value of Python type ``hint`` (what node would have returned).

    jsii classes and interfaces become bare instances of the class (or of its
    generated proxy class for abstract classes and interfaces), without
    running ``__init__``; structs get empty ``_values``; enums their first
    member; strings a CDK-token-like string; numbers 0; collections empty.
    """
    if hint is None or hint is type(None) or hint is typing.Any or hint is object:
        return None
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if set(members) == {int, float}:
            return 0
        return placeholder(members[0], label) if members else None
    if origin is not None:
        if origin in (list, collections.abc.Sequence, collections.abc.MutableSequence):
            return []
        if origin in (dict, collections.abc.Mapping, collections.abc.MutableMapping):
            return {}
        if origin is typing.Literal:
            return typing.get_args(hint)[0]
        return None
    if hint is str:
        return "${Token[%s]}" % label
    if hint is bool:
        return False
    if hint in (int, float):
        return 0
    if hint is datetime.datetime:
        return datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    if not isinstance(hint, type):
        return None
    if issubclass(hint, builtin_enum.Enum):
        return next(iter(hint))
    target = hint
    # Only abstract classes and interfaces declare a proxy themselves
    # (a concrete subclass inherits its abstract base's attribute).
    proxy = vars(hint).get("__jsii_proxy_class__")
    if proxy is not None:
        target = proxy()
    if getattr(target, "__abstractmethods__", None):
        return None
    inst = object.__new__(target)
    if getattr(target, "__jsii_name_mapping__", None) is not None:
        inst._values = {}
    kernel.calls.append(KernelCall("placeholder", inst, label, []))
    return inst


# Single global kernel, as in the real runtime.
kernel = Kernel()


class JSIIAssembly:
    """Record of a generated package's bundled assembly; loading is a no-op
    apart from checking that the tarball really ships in the package."""

    def __init__(self, name: str, version: str, module: str, filename: str) -> None:
        self.name = name
        self.version = version
        self.module = module
        self.filename = filename

    @classmethod
    def load(cls, *args: Any, _kernel: Kernel = kernel, **kwargs: Any) -> "JSIIAssembly":
        assembly = cls(*args, **kwargs)
        resource = importlib.resources.files(f"{assembly.module}._jsii").joinpath(assembly.filename)
        if not resource.is_file():
            raise FileNotFoundError(
                f"jsii assembly {assembly.filename} is missing from {assembly.module}._jsii"
            )
        _kernel.load(assembly.name, assembly.version, str(resource))
        return assembly

    @classmethod
    def invokeBinScript(cls, pkgname: str, script: str, *args: str, _kernel: Kernel = kernel) -> None:
        _kernel.calls.append(KernelCall("invokeBinScript", pkgname, script, list(args)))

    def __repr__(self) -> str:
        return f"JSIIAssembly({self.name!r}, {self.version!r}, {self.module!r}, {self.filename!r})"


M = TypeVar("M")


class JSIIMeta(_ClassPropertyMeta, type):
    def __new__(cls, name: str, bases: Any, attrs: Dict[str, Any], *, jsii_type: Optional[str] = None) -> Any:
        # Subclasses of a jsii class inherit __jsii_type__ and need no keyword.
        if jsii_type is not None:
            attrs["__jsii_type__"] = jsii_type
        obj = super().__new__(cls, name, bases, attrs)
        if jsii_type is not None:
            _reference_map.register_type(obj)
        return obj

    # Annotated with the class's own type (as the real runtime is since
    # jsii 1.86): with ``-> Any`` pyright would stop checking constructor
    # arguments of every jsii class against its ``__init__``.
    def __call__(cls: Type[M], *args: Any, **kwargs: Any) -> M:
        inst = typing.cast(M, super().__call__(*args, **kwargs))  # type: ignore[misc]
        _reference_map.register_reference(inst)
        return inst


class JSIIAbstractClass(abc.ABCMeta, JSIIMeta):
    pass


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T", bound=Type[Any])


def enum(*, jsii_type: str) -> Callable[[T], T]:
    def deco(cls: T) -> T:
        cls.__jsii_type__ = jsii_type
        _reference_map.register_enum(cls)
        return cls

    return deco


def data_type(
    *,
    jsii_type: str,
    jsii_struct_bases: List[Type[Any]],
    name_mapping: Mapping[str, str],
) -> Callable[[T], T]:
    def deco(cls: T) -> T:
        cls.__jsii_type__ = jsii_type
        cls.__jsii_struct_bases__ = jsii_struct_bases
        cls.__jsii_name_mapping__ = name_mapping
        _reference_map.register_data_type(cls)
        return cls

    return deco


def member(*, jsii_name: str) -> Callable[[F], F]:
    def deco(fn: F) -> F:
        fn.__jsii_name__ = jsii_name  # type: ignore[attr-defined]
        return fn

    return deco


def implements(*interfaces: Type[Any]) -> Callable[[T], T]:
    def deco(cls: T) -> T:
        cls.__jsii_type__ = getattr(cls, "__jsii_type__", None)
        cls.__jsii_ifaces__ = getattr(cls, "__jsii_ifaces__", []) + list(interfaces)
        return cls

    return deco


def interface(*, jsii_type: str) -> Callable[[T], T]:
    def deco(iface: T) -> T:
        iface.__jsii_type__ = jsii_type
        _reference_map.register_interface(iface)
        return iface

    return deco


def proxy_for(abstract_class: Type[Any]) -> Type[Any]:
    if not hasattr(abstract_class, "__jsii_proxy_class__"):
        raise TypeError(f"{abstract_class} is not a JSII Abstract class.")
    return abstract_class.__jsii_proxy_class__()


def python_jsii_mapping(cls: Type[Any]) -> Optional[Mapping[str, str]]:
    return getattr(cls, "__jsii_name_mapping__", None)
