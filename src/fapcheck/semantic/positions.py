"""Positions of nodes (line and column), computed only for files that have something to report."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider


def positions_of(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position. `MetadataWrapper.resolve` would also walk (and rebuild) the whole tree once
    more for batchable providers, of which there are none here: asking the provider itself skips that."""
    try:
        return _positions(module)
    except RecursionError:  # libcst's code generation recurses: thousands of concatenated strings
        return _with_deep_stack(lambda: _positions(module))


def _positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    positions = PositionProvider()._gen(MetadataWrapper(module, unsafe_skip_copy=True))
    return cast("Mapping[cst.CSTNode, CodeRange]", positions)  # PositionProvider computes no lazy values


# A thread with this much stack runs this many Python frames safely (about 25 kB of C stack each, far more
# than a frame of code generation takes); deeper code still ends in a RecursionError, never a crash.
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 20_000


def _with_deep_stack(work: Callable[[], Mapping[cst.CSTNode, CodeRange]]) -> Mapping[cst.CSTNode, CodeRange]:
    import sys
    import threading

    outcome: list[Mapping[cst.CSTNode, CodeRange] | BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the calling thread
            outcome.append(error)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _DEEP_RECURSION_LIMIT))
    try:
        try:
            old_size = threading.stack_size(_DEEP_STACK_BYTES)
        except (ValueError, RuntimeError) as error:  # a platform without settable thread stacks
            raise RecursionError("nested too deeply") from error
        try:
            thread = threading.Thread(target=run, name="fapcheck-positions")
            thread.start()
        except (RuntimeError, MemoryError) as error:  # no room for such a stack
            raise RecursionError("nested too deeply") from error
        finally:
            threading.stack_size(old_size)
        thread.join()
    finally:
        sys.setrecursionlimit(limit)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
