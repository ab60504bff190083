"""Checks the generated Python bindings of cdk-sfn-jobs against the jsii stand-in.

Run by .ci/python-check.sh with PYTHONPATH holding test/python/jsii_stub (the
offline jsii runtime) and .python-check/site (generated constructs and
aws-cdk-lib), our package installed from its built wheel, and
CDK_SFN_JOBS_JSII pointing at the compiled assembly (.jsii at the repo root).

Everything is driven by the assembly, so constructs added to src/ later are
covered without touching this file:

* the package and every jsii submodule import;
* every type of the assembly is an attribute of its Python (sub)module;
* every struct (jsii datatype) built with a keyword per property lands each
  value in the right property, and rejects a wrong primitive type;
* every class with an initializer can be constructed from Python, and the
  (recorded) kernel ``create`` call receives the right arguments;
* every example in examples/ runs (pyright type-checks them separately).
"""

from __future__ import annotations

import collections.abc
import datetime
import enum
import gzip
import importlib
import inspect
import itertools
import json
import keyword
import os
import pathlib
import re
import runpy
import typing
from typing import Any, Dict, List, Optional, Tuple

import jsii
import pytest
from jsii import _reference_map

HERE = pathlib.Path(__file__).resolve().parent
ASSEMBLY_FILE = pathlib.Path(os.environ.get("CDK_SFN_JOBS_JSII", HERE.parent.parent / ".jsii"))
EXAMPLES = sorted((HERE / "examples").glob("*.py"))
NO_RUN_MARKER = "# python-check: no-run"


def _load_assembly(path: pathlib.Path) -> Dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("schema") == "jsii/file-redirect":  # compressed assembly
        target = path.parent / data["filename"]
        raw = target.read_bytes()
        if data.get("compression") == "gzip":
            raw = gzip.decompress(raw)
        data = json.loads(raw)
    return data


ASSEMBLY = _load_assembly(ASSEMBLY_FILE)
NAME: str = ASSEMBLY["name"]
ROOT_MODULE: str = ASSEMBLY["targets"]["python"]["module"]
TYPES: Dict[str, Dict[str, Any]] = ASSEMBLY.get("types", {})
STRUCTS = sorted(fqn for fqn, t in TYPES.items() if t.get("datatype"))
CLASSES = sorted(
    fqn
    for fqn, t in TYPES.items()
    if t["kind"] == "class" and "initializer" in t and not t.get("abstract") and not t["initializer"].get("protected")
)
METHODS = sorted(
    (fqn, m["name"])
    for fqn, t in TYPES.items()
    if t["kind"] == "class"
    for m in t.get("methods", [])
    if not m.get("protected") and not m.get("abstract") and (m.get("static") or fqn in CLASSES)
)


class Unbuildable(Exception):
    """No dummy value can be made for this type."""


# ---------------------------------------------------------------------------
# jsii FQN -> Python


def _python_submodules() -> Dict[str, str]:
    """jsii submodule FQN -> Python module, for us and every dependency."""
    mapping: Dict[str, str] = {}
    for dep, info in ASSEMBLY.get("dependencyClosure", {}).items():
        mapping[dep] = info["targets"]["python"]["module"]
        for sub, subinfo in info.get("submodules", {}).items():
            module = subinfo.get("targets", {}).get("python", {}).get("module")
            if module:
                mapping[sub] = module
    mapping[NAME] = ROOT_MODULE
    for sub, subinfo in ASSEMBLY.get("submodules", {}).items():
        module = subinfo.get("targets", {}).get("python", {}).get("module")
        if module:
            mapping[sub] = module
    # jsii-pacmak records the Python names it chose for our own submodules.
    own = importlib.import_module(f"{ROOT_MODULE}._jsii")
    mapping.update(getattr(own, "_SUBMODULE_FQN_MAP", {}))
    return mapping


_SUBMODULES: Optional[Dict[str, str]] = None


def module_for(fqn: str) -> str:
    """Python module that holds the jsii type (or submodule) ``fqn``."""
    global _SUBMODULES
    if _SUBMODULES is None:
        _SUBMODULES = _python_submodules()
    prefix = max((s for s in _SUBMODULES if fqn == s or fqn.startswith(s + ".")), key=len, default=None)
    if prefix is None:
        raise LookupError(f"no Python module known for {fqn}")
    return _SUBMODULES[prefix]


def python_type(fqn: str) -> Any:
    if fqn not in _reference_map.types:
        importlib.import_module(module_for(fqn))
    try:
        return _reference_map.types[fqn]
    except KeyError:
        raise LookupError(f"{fqn} was not registered by {module_for(fqn)}") from None


def python_name(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) or name in ("self", "cls") else name


def python_member(cls: Any, jsii_name: str) -> str:
    """Python name of the member (property or method) that jsii calls ``jsii_name``."""
    for base in cls.__mro__:
        for attr_name, attr in vars(base).items():
            fn = attr.fget if isinstance(attr, property) else getattr(attr, "fget", attr)
            fn = getattr(fn, "__func__", fn)
            if jsii_name in (getattr(attr, "__jsii_name__", None), getattr(fn, "__jsii_name__", None)):
                return attr_name
    raise LookupError(f"{cls.__name__} has no member for jsii name {jsii_name}")


# ---------------------------------------------------------------------------
# dummy values

_counter = itertools.count(1)


def _is_struct(cls: Any) -> bool:
    return isinstance(cls, type) and getattr(cls, "__jsii_name_mapping__", None) is not None


def _scope() -> Any:
    import aws_cdk

    return aws_cdk.Stack(aws_cdk.App(), f"Scope{next(_counter)}")


def value_for_class(cls: Any, depth: int) -> Any:
    import constructs

    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return next(iter(cls))
    if _is_struct(cls):
        return build_struct(cls, depth + 1, optional=False)[0]
    if cls in (constructs.Construct, constructs.IConstruct):
        return _scope()
    value = jsii._runtime.placeholder(cls, "test")
    if value is None:
        raise Unbuildable(f"no stand-in for {cls}")
    return value


def value_from_jsii(typeref: Dict[str, Any], label: str, depth: int) -> Any:
    """A dummy value for a jsii type reference, distinct per call."""
    if depth > 4:
        raise Unbuildable("too deep")
    n = next(_counter)
    if "primitive" in typeref:
        prim = typeref["primitive"]
        if prim == "string":
            return f"{label}-{n}"
        if prim == "number":
            return n
        if prim == "boolean":
            return n % 2 == 0
        if prim == "date":
            return datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(days=n)
        if prim == "json":
            return {"key": f"{label}-{n}"}
        if prim == "any":
            return f"any-{label}-{n}"
        raise Unbuildable(f"primitive {prim}")
    if "collection" in typeref:
        coll = typeref["collection"]
        element = value_from_jsii(coll["elementtype"], label, depth + 1)
        return [element] if coll["kind"] == "array" else {"key": element}
    if "union" in typeref:
        for candidate in typeref["union"]["types"]:
            try:
                return value_from_jsii(candidate, label, depth)
            except Unbuildable:
                continue
        raise Unbuildable(f"union {typeref}")
    if "fqn" in typeref:
        try:
            cls = python_type(typeref["fqn"])
        except LookupError as err:
            raise Unbuildable(str(err)) from err
        return value_for_class(cls, depth)
    raise Unbuildable(f"type {typeref}")


def value_from_hint(hint: Any, label: str, depth: int) -> Any:
    """A dummy value for a Python annotation (properties inherited from dependencies)."""
    if depth > 4:
        raise Unbuildable("too deep")
    n = next(_counter)
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if set(members) == {int, float}:
            return n
        for member in members:
            try:
                return value_from_hint(member, label, depth)
            except Unbuildable:
                continue
        raise Unbuildable(f"union {hint}")
    if origin is not None:
        args = typing.get_args(hint)
        if origin in (list, collections.abc.Sequence):
            return [value_from_hint(args[0], label, depth + 1)] if args else []
        if origin in (dict, collections.abc.Mapping):
            return {"key": value_from_hint(args[1], label, depth + 1)} if len(args) == 2 else {}
        raise Unbuildable(f"generic {hint}")
    if hint is str:
        return f"{label}-{n}"
    if hint is bool:
        return n % 2 == 0
    if hint in (int, float):
        return n
    if hint is typing.Any or hint is object:
        return f"any-{label}-{n}"
    if hint is datetime.datetime:
        return datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    if isinstance(hint, type):
        return value_for_class(hint, depth)
    raise Unbuildable(f"annotation {hint!r}")


def _own_and_inherited_jsii_props(fqn: str) -> Dict[str, Dict[str, Any]]:
    """jsii properties of a struct of our assembly, own and inherited from our own bases."""
    props: Dict[str, Dict[str, Any]] = {}
    spec = TYPES.get(fqn)
    if spec is None:
        return props
    for base in spec.get("interfaces", []):
        props.update(_own_and_inherited_jsii_props(base))
    for prop in spec.get("properties", []):
        props[prop["name"]] = prop
    return props


def build_struct(cls: Any, depth: int, optional: bool) -> Tuple[Any, Dict[str, Any]]:
    """Construct struct ``cls`` with a dummy keyword per property.

    Values come from the jsii type of the property when the property is
    declared in our assembly, else from its Python annotation.  Optional
    properties are included when ``optional`` and a value can be made.
    Returns the instance and the keyword arguments used.
    """
    if depth > 4:
        raise Unbuildable("too deep")
    jsii_props = _own_and_inherited_jsii_props(cls.__jsii_type__)
    mapping: Dict[str, str] = cls.__jsii_name_mapping__
    hints = typing.get_type_hints(cls.__init__)
    params = inspect.signature(cls.__init__).parameters
    kwargs: Dict[str, Any] = {}
    for py_name, jsii_name in mapping.items():
        required = params[py_name].default is inspect.Parameter.empty
        if not required and not optional:
            continue
        try:
            if jsii_name in jsii_props:
                kwargs[py_name] = value_from_jsii(jsii_props[jsii_name]["type"], jsii_name, depth)
            else:
                kwargs[py_name] = value_from_hint(hints[py_name], jsii_name, depth)
        except Unbuildable:
            if required:
                raise
    return cls(**kwargs), kwargs


# ---------------------------------------------------------------------------
# tests


def test_package_imports() -> None:
    package = importlib.import_module(ROOT_MODULE)
    own = importlib.import_module(f"{ROOT_MODULE}._jsii")
    assembly = own.__jsii_assembly__
    assert (assembly.name, assembly.version) == (NAME, ASSEMBLY["version"])
    assert jsii.kernel.assemblies.get(NAME) == ASSEMBLY["version"]
    # the dependencies' assemblies were loaded on the way
    for dep in ASSEMBLY.get("dependencies", {}):
        assert dep in jsii.kernel.assemblies, dep
    top_level = {python_name(t["name"]) for t in TYPES.values() if "namespace" not in t}
    if not TYPES:
        # jsii-pacmak writes no top-level __init__ for an assembly without
        # types: the package is then only a namespace package around _jsii.
        return
    assert pathlib.Path(str(package.__file__)).name == "__init__.py"
    assert top_level <= set(package.__all__), top_level - set(package.__all__)


def test_workflow_execute_is_a_blocking_call() -> None:
    """``Workflow.execute`` is async in TypeScript: jsii-pacmak must turn it into a plain ``def`` that calls
    ``jsii.ainvoke`` (the kernel waits for the promise), so Python callers get the result, not a coroutine.

    Checked on the generated source: the real jsii runtime (which would run it against node) is not
    installable here (no PyPI), and the stand-in's ``ainvoke`` only records the call.
    """
    module = importlib.import_module(module_for(f"{NAME}.testing.Workflow"))
    execute = module.Workflow.execute
    assert not inspect.iscoroutinefunction(execute)
    source = inspect.getsource(execute)
    assert re.search(r"^\s*def execute\(", source, re.MULTILINE), source
    assert "async def" not in source, source
    assert "jsii.ainvoke(self, \"execute\"" in source, source
    # the options struct is flattened into keyword arguments
    parameters = inspect.signature(execute).parameters
    for name in ("input", "mock_config", "mock_config_file", "test_case", "task_handler", "seed", "start_time"):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, name


def test_workflow_json_text_forms_carry_null() -> None:
    """jsii drops JSON null from dicts between Python and JavaScript (aws/jsii#3240): the executor's JSON-text forms
    (``from_definition_json``, ``execute(input_json=...)``, ``output_json``, ``to_json()``) are plain strings, which
    reach the kernel as they are, ``null`` included."""
    module = importlib.import_module(module_for(f"{NAME}.testing.Workflow"))
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "ResultPath": None, "End": True}}})
    jsii.kernel.reset()
    # WHEN
    workflow = module.Workflow.from_definition_json(definition)
    workflow.execute(input_json='{"keep": null}')
    # THEN the kernel received the texts unchanged
    static = jsii.kernel.calls_of("sinvoke")[-1]
    assert (static.name, list(static.args)) == ("fromDefinitionJson", [definition])
    execute = jsii.kernel.calls_of("ainvoke")[-1]
    assert execute.name == "execute"
    (options,) = execute.args
    assert options.input_json == '{"keep": null}'
    # the result's JSON forms are plain str properties and methods
    result_type = importlib.import_module(module_for(f"{NAME}.testing.ExecutionResult")).ExecutionResult
    assert typing.get_type_hints(result_type.output_json.fget)["return"] == typing.Optional[str]
    assert typing.get_type_hints(result_type.to_json)["return"] is str
    assert "unused_mocks" in dir(result_type)


@pytest.mark.parametrize("submodule", sorted(ASSEMBLY.get("submodules", {})))
def test_submodule_imports(submodule: str) -> None:
    module = importlib.import_module(module_for(submodule))
    assert module.__name__.startswith(ROOT_MODULE + ".")


@pytest.mark.parametrize("fqn", sorted(TYPES))
def test_type_is_exported(fqn: str) -> None:
    spec = TYPES[fqn]
    module = importlib.import_module(module_for(fqn))
    namespace = spec.get("namespace", "")
    nested_in_type = namespace and f"{NAME}.{namespace}" not in ASSEMBLY.get("submodules", {})
    if nested_in_type:
        cls = python_type(fqn)
        module = importlib.import_module(cls.__module__)
    attr = python_name(spec["name"])
    assert hasattr(module, attr), f"{module.__name__} has no attribute {attr} for {fqn}"
    cls = getattr(module, attr)
    assert getattr(cls, "__jsii_type__", None) == fqn
    assert attr in getattr(module, "__all__", [attr])
    kind = _reference_map.kinds.get(fqn)
    expected = "datatype" if spec.get("datatype") else spec["kind"]
    assert kind == expected, f"{fqn} registered as {kind}, expected {expected}"
    if kind == "enum":
        assert [m.name for m in cls] == [python_name(m["name"]) for m in spec.get("members", [])]


@pytest.mark.parametrize("fqn", STRUCTS)
def test_struct_round_trip(fqn: str) -> None:
    cls = python_type(fqn)
    mapping: Dict[str, str] = cls.__jsii_name_mapping__
    own = _own_and_inherited_jsii_props(fqn)
    assert set(own) <= set(mapping.values()), f"properties missing from the Python struct: {set(own) - set(mapping.values())}"

    params = inspect.signature(cls.__init__).parameters
    reverse = {jsii_name: py_name for py_name, jsii_name in mapping.items()}
    for jsii_name, prop in own.items():
        has_default = params[reverse[jsii_name]].default is not inspect.Parameter.empty
        assert has_default == bool(prop.get("optional")), f"{jsii_name}: optional={prop.get('optional')} but default={has_default}"

    instance, kwargs = build_struct(cls, 0, optional=True)
    required = [p for p, v in params.items() if p != "self" and v.default is inspect.Parameter.empty]
    assert set(required) <= set(kwargs)
    primitives = [jsii_name for jsii_name, prop in own.items() if "primitive" in prop["type"]]
    assert all(reverse[j] in kwargs for j in primitives), "every primitive property must be exercised"
    for py_name, value in kwargs.items():
        assert getattr(instance, py_name) == value, py_name
        assert instance._values[py_name] == value, py_name
    assert instance == cls(**kwargs)
    assert repr(instance).startswith(cls.__name__ + "(")

    # A value of the wrong primitive type must be rejected as users see it: the jsii runtime's
    # typeguard 2.13.3 raises a plain TypeError naming the argument.
    for jsii_name in primitives:
        prim = own[jsii_name]["type"]["primitive"]
        wrong = {"string": 12345, "number": "not-a-number", "boolean": "yes"}.get(prim)
        if wrong is None:
            continue
        with pytest.raises(TypeError, match=rf"^type of argument {re.escape(reverse[jsii_name])} must be "):
            cls(**{**kwargs, reverse[jsii_name]: wrong})


def _call_arguments(params: List[Dict[str, Any]]) -> Tuple[List[Any], Dict[str, Any], Any]:
    """Dummy arguments for a jsii callable; a trailing struct parameter becomes keywords."""
    if any(p.get("variadic") for p in params):
        raise Unbuildable("variadic parameter")
    args: List[Any] = []
    kwargs: Dict[str, Any] = {}
    struct = None
    for index, param in enumerate(params):
        last = index == len(params) - 1
        if last and "fqn" in param["type"]:
            cls = python_type(param["type"]["fqn"])
            if _is_struct(cls):
                struct, kwargs = build_struct(cls, 0, optional=True)
                continue
        args.append(value_from_jsii(param["type"], param["name"], 0))
    return args, kwargs, struct


def _assert_forwarded(call: Any, args: List[Any], kwargs: Dict[str, Any], struct: Any) -> None:
    if struct is None:
        assert list(call.args) == args
    else:
        assert list(call.args[:-1]) == args
        assert call.args[-1] == struct, "keyword arguments must arrive as the props struct"
        for py_name, value in kwargs.items():
            assert getattr(call.args[-1], py_name) == value, py_name


def _construct(fqn: str) -> Any:
    cls = python_type(fqn)
    try:
        args, kwargs, struct = _call_arguments(TYPES[fqn]["initializer"].get("parameters", []))
    except Unbuildable as err:
        pytest.skip(f"cannot build arguments for {fqn}: {err}")
    obj = cls(*args, **kwargs)
    creates = [c for c in jsii.kernel.calls_of("create") if c.target is obj]
    assert len(creates) == 1, creates
    assert creates[0].name == fqn
    _assert_forwarded(creates[0], args, kwargs, struct)
    return obj


@pytest.mark.parametrize("fqn", CLASSES)
def test_class_construction(fqn: str) -> None:
    obj = _construct(fqn)
    # every property getter reads the jsii property of the same name
    for prop in TYPES[fqn].get("properties", []):
        owner = type(obj) if prop.get("static") else obj
        before = len(jsii.kernel.calls)
        getattr(owner, python_member(type(obj), prop["name"]))
        reads = [c for c in jsii.kernel.calls[before:] if c.api in ("get", "sget") and c.target is owner]
        assert [c.name for c in reads] == [prop["name"]], f"{prop['name']}: {reads}"


@pytest.mark.parametrize("fqn,method", METHODS)
def test_method_call(fqn: str, method: str) -> None:
    spec = next(m for m in TYPES[fqn]["methods"] if m["name"] == method)
    cls = python_type(fqn)
    owner = cls if spec.get("static") else _construct(fqn)
    try:
        args, kwargs, struct = _call_arguments(spec.get("parameters", []))
    except Unbuildable as err:
        pytest.skip(f"cannot build arguments for {fqn}.{method}: {err}")
    before = len(jsii.kernel.calls)
    getattr(owner, python_member(cls, method))(*args, **kwargs)
    api = "sinvoke" if spec.get("static") else "invoke"
    calls = [c for c in jsii.kernel.calls[before:] if c.api == api and c.target is owner]
    assert [c.name for c in calls] == [method], calls
    _assert_forwarded(calls[0], args, kwargs, struct)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(example: pathlib.Path) -> None:
    """Each README example runs against the stand-in runtime (calls recorded)."""
    source = example.read_text(encoding="utf-8")
    if NO_RUN_MARKER in source:
        pytest.skip(f"{example.name} is marked '{NO_RUN_MARKER}'")
    before = len(jsii.kernel.calls)
    runpy.run_path(str(example), run_name="__main__")
    created = [c for c in jsii.kernel.calls[before:] if c.api == "create"]
    assert created, f"{example.name} created no jsii object"


def test_examples_present() -> None:
    assert EXAMPLES, "test/python/examples/ has no example"
    names = re.compile(r"^[a-z0-9_]+\.py$")
    assert all(names.match(p.name) for p in EXAMPLES), "example files are snake_case .py modules"
