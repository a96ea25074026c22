"""Compiling the rules: the ``@kernel`` decorator, and how compiled code sees the world.

Every rule and phase of the month is plain Python written in the subset that numba compiles (numbers, numpy
arrays, loops, ``if``). ``@kernel`` compiles it to machine code on first use and caches the result on disk, so
that later processes load it in milliseconds instead of compiling again.

Numba's own cache notices when a function's file changes, but not when a function it calls changes in another
file (numba issue #6845). So the cache lives in a folder named after a digest of the model's compiled source
files: any edit of a rule, anywhere, starts a fresh cache (compiling takes about a minute) and nothing stale
is ever loaded. The folder is
``$LIPTAKO_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/liptako`` (``~/.cache/liptako``), else a temporary folder.

The world and the scenario's fixed data travel to compiled code as NamedTuples of numpy arrays (cheap to
build, pickle, slice and read from Python). Inside, :func:`as_struct` turns such a tuple into a numba
*structref*, a mutable record passed by reference: numba compiles functions that take a structref in a
fraction of the time it needs for a tuple of a hundred arrays, and attribute access (``w.territory[r, i]``)
reads the same.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import numba
import numpy as np
from numba import types
from numba.core import cgutils
from numba.core.datamodel import default_manager, models
from numba.experimental import structref
from numba.extending import intrinsic, overload, register_jitable

from .parameters import Params

_HERE = Path(__file__).resolve().parent
# how compiled code sees the world, the parameters' order and the world's sentinels (read as constants)
_BAKED_IN = {"compiled.py", "parameters.py", "world.py"}


def _cache_dir() -> str:
    """The cache folder for this exact version of the model's sources (see the module docstring)."""
    digest = hashlib.sha256(numba.__version__.encode())
    for path in sorted(_HERE.glob("*.py")):
        source = path.read_bytes()
        if path.name in _BAKED_IN or b"from .compiled import" in source:  # compiled, or baked into compiled code
            digest.update(path.name.encode())
            digest.update(source)
    base = os.environ.get("LIPTAKO_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "liptako"
    )
    folder = Path(base) / f"numba-{digest.hexdigest()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:  # a read-only home: a private temporary folder still saves compiling twice in a process
        folder = Path(tempfile.gettempdir()) / f"liptako-numba-{digest.hexdigest()[:16]}"
        folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


CACHE_DIR = _cache_dir()
numba.config.CACHE_DIR = CACHE_DIR  # read by numba when a function is decorated: set it before any @kernel


# --- Loading cached code without the compiler's registries ------------------------------------------------------
_loading = threading.local()


def _lean_cache_loads() -> None:
    """Let numba load machine code from its disk cache without first loading its compiler's registries.

    Before it reads a cached function, numba "refreshes" its CPU target: it imports the modules that teach its
    compiler every numpy and Python feature (some 40 of them) and installs their typing and lowering rules,
    0.4-0.5 s and most of a sweep worker's start-up, though loading finished machine code needs only numba's
    runtime (NRT). While a cache entry loads, the refresh now starts the runtime alone. Nothing is lost: numba
    refreshes both contexts again before it compiles anything (in ``compile_extra``), and its registries load
    incrementally, so the first compile in the process installs them all. The results are the same either way
    (a test runs the baseline both ways in fresh processes and compiles new code after the lean load);
    ``LIPTAKO_FULL_NUMBA_LOAD=1`` keeps numba's own load, and a numba without these two hooks is left as it is.
    """
    from numba.core import caching, cpu
    from numba.core.runtime import rtsys

    full = getattr(cpu.CPUContext, "refresh", None)
    load = getattr(caching.Cache, "load_overload", None)
    if full is None or load is None or getattr(full, "_lean", False):
        return

    def refresh(self):
        if getattr(_loading, "active", False):
            rtsys.initialize(self)  # all that loading machine code needs
        else:
            full(self)

    def load_overload(self, sig, target_context):
        _loading.active = True
        try:
            return load(self, sig, target_context)
        finally:
            _loading.active = False

    refresh._lean = True
    cpu.CPUContext.refresh = refresh
    caching.Cache.load_overload = load_overload


if os.environ.get("LIPTAKO_FULL_NUMBA_LOAD") != "1":
    _lean_cache_loads()


def kernel(function=None, *, inline: bool = False):
    """Compile a rule or a phase with numba (no Python objects inside), caching the machine code on disk.

    ``@kernel(inline=True)`` marks a small helper that numba copies into each caller (no call, no reference
    counting of the world on the way in and out). The Python function stays available as
    ``function.py_func``.
    """
    options = {"cache": True, "error_model": "numpy", "nogil": True}
    if inline:
        options["inline"] = "always"
    if function is None:
        return numba.njit(**options)
    return numba.njit(**options)(function)


def rule(function):
    """A rule: a small pure function of numbers (a hazard, a target, a weight). Called from Python it is plain
    Python over numpy (arrays welcome, as the tests sweep inputs); compiled code copies it into its caller."""
    return register_jitable(inline="always", error_model="numpy")(function)


# --- Tuples of arrays inside compiled code --------------------------------------------------------------------
class Struct(types.StructRef):
    """The numba type of a record built by :func:`as_struct` from a NamedTuple of arrays."""

    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(typ)) for name, typ in fields)

    @property
    def mangling_args(self):
        """A short name in the symbols of compiled code: by default each function's symbol spells out every
        field and type of the world (about 30,000 characters), which made the disk cache 56 MB instead of
        14 MB. A digest of that spelling identifies the type as well."""
        return f"Struct_{hashlib.sha256(self.name.encode()).hexdigest()[:16]}", ()


class _UncountedStructModel(models.StructRefModel):
    """A structref that compiled code does not reference-count: no atomic increment and decrement of the
    record each time a rule is called with the world (they cost a fifth of the month's time). The record
    lives for one call of :func:`~liptako.model.month.run_months`, which frees it with :func:`release`."""

    def traverse(self, builder):
        return []


default_manager.register(Struct, _UncountedStructModel)
structref.define_attributes(Struct)


def as_struct(tup):
    """Inside compiled code: a mutable record with the same fields (the same arrays, not copies) as ``tup``.

    Its arrays are *borrowed*: views that do not count references. The tuple the caller passed keeps the
    arrays alive for the whole call, and the record never outlives it; without counting, reading
    ``w.territory`` costs no atomic operation (counted references made a quarter of the month's time).
    """
    raise NotImplementedError("as_struct is only available inside compiled code")


@intrinsic
def _borrowed(typingctx, array):
    """The same array, as a view that holds no reference to its memory (see :func:`as_struct`)."""
    if not isinstance(array, types.Array):
        return None

    def codegen(context, builder, signature, args):
        view = context.make_array(array)(context, builder, value=args[0])
        view.meminfo = cgutils.get_null_value(view.meminfo.type)
        view.parent = cgutils.get_null_value(view.parent.type)
        return view._getvalue()

    return array(array), codegen


@intrinsic
def release(typingctx, struct):
    """Free a record built by :func:`as_struct` (its arrays are borrowed: they stay the caller's)."""
    if not isinstance(struct, Struct):
        return None

    def codegen(context, builder, signature, args):
        meminfo = context.data_model_manager[struct].get(builder, args[0], "meminfo")
        context.nrt.decref(builder, types.MemInfoPointer(struct.get_data_type()), meminfo)
        return context.get_dummy_value()

    return types.none(struct), codegen


def borrowed_each(tup):
    """Inside compiled code: a tuple of the same arrays as ``tup``, borrowed (see :func:`as_struct`)."""
    raise NotImplementedError("borrowed_each is only available inside compiled code")


@overload(borrowed_each)
def _borrowed_each(tup):
    if not isinstance(tup, types.BaseTuple):
        return None
    items = "".join(f"borrowed(tup[{k}]), " for k in range(len(tup)))
    namespace = {"borrowed": _borrowed}
    exec(f"def impl(tup):\n    return ({items})\n", namespace)
    return namespace["impl"]


@overload(as_struct)
def _as_struct(tup):
    if not isinstance(tup, types.BaseNamedTuple):
        return None
    names = tuple(tup.fields)
    struct_type = Struct(list(zip(names, tup.types, strict=True)))
    body = "".join(
        f"    st.{name} = borrowed(tup.{name})\n" if isinstance(typ, types.Array) else f"    st.{name} = tup.{name}\n"
        for name, typ in zip(names, tup.types, strict=True)
    )
    namespace = {"new": structref.new, "struct_type": struct_type, "borrowed": _borrowed}
    exec(f"def impl(tup):\n    st = new(struct_type)\n{body}    return st\n", namespace)
    return namespace["impl"]


# --- Parameters inside compiled code ----------------------------------------------------------------------------
PARAMS_RECORD = numba.from_dtype(np.dtype([(name, np.float64) for name in Params._fields]))


@intrinsic
def _row_as_record(typingctx, array, r):
    """Row r of a C-contiguous ``[R, n]`` float64 array, seen in place as a record with one field per registry
    parameter: a pointer into the array, so nothing is copied or allocated and a parameter written to the
    array (a set_parameter event) is seen at once."""
    if not (isinstance(array, types.Array) and array.ndim == 2 and array.dtype == types.float64
            and array.layout == "C" and isinstance(r, types.Integer)):  # fmt: skip
        return None

    def codegen(context, builder, signature, args):
        ary = context.make_array(array)(context, builder, value=args[0])
        row = context.cast(builder, args[1], r, types.intp)
        ptr = cgutils.get_item_pointer(context, builder, array, ary, [row, context.get_constant(types.intp, 0)])
        return builder.bitcast(ptr, context.get_value_type(PARAMS_RECORD))

    return PARAMS_RECORD(array, r), codegen


@kernel(inline=True)
def params_of(w, r):
    """Replication r's parameter values as a record the rules read as ``p.coup_base_hazard`` (a
    :data:`~liptako.model.parameters.Params` tuple serves the same rules from Python). The record is a view of
    ``w.params[r]``, not a copy."""
    return _row_as_record(w.params, r)
