"""The worked examples of the engine's docstrings run as tests."""

from __future__ import annotations

import doctest

import pytest

from territories_engine import _aggregation, _distances, _scoring, _siting


@pytest.mark.parametrize("module", [_aggregation, _distances, _scoring, _siting], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    """Every docstring example of the module gives the documented output."""
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
