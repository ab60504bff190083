"""``jsii.python``: class-level properties used for static jsii properties."""

from typing import Any, Callable, Generic, Optional, TypeVar

T = TypeVar("T")


class _ClassProperty(Generic[T]):
    def __init__(
        self,
        fget: Callable[[Any], T],
        fset: Optional[Callable[..., Any]] = None,
    ) -> None:
        self.fget: Any = fget
        self.fset: Any = None
        if fset is not None:
            self.setter(fset)

    def __get__(self, obj: Any, klass: Any = None) -> T:
        if klass is None:
            klass = type(obj)
        return self.fget.__get__(obj, klass)(klass)

    def __set__(self, obj: Any, value: Any) -> None:
        if not self.fset:
            raise AttributeError("Can't set attribute.")
        klass = type(obj)
        self.fset.__get__(obj, klass)(value)

    def setter(self, func: Any) -> "_ClassProperty[T]":
        if not isinstance(func, (classmethod, staticmethod)):
            func = classmethod(func)
        self.fset = func
        return self


def class_property(func: Callable[[Any], T]) -> _ClassProperty[T]:
    return _ClassProperty(func)


# Name used by the code generated since jsii 1.52.
classproperty = class_property


class _ClassPropertyMeta(type):
    def __setattr__(cls, key: str, value: Any) -> None:
        obj = cls.__dict__.get(key, None)
        if obj is None:
            for base in cls.__mro__:
                if key in base.__dict__:
                    obj = base.__dict__[key]
                    break
        if isinstance(obj, _ClassProperty):
            obj.__set__(cls, value)
            return
        super().__setattr__(key, value)
