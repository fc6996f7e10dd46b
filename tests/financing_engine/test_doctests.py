"""Run the worked examples of the engine's docstrings as tests."""

import doctest
import importlib

import pytest

MODULES = [
    "financing_engine",
    "financing_engine.dates",
    "financing_engine.demo",
    "financing_engine.evaluate",
    "financing_engine.inputs",
    "financing_engine.loans",
    "financing_engine.money",
    "financing_engine.projection",
    "financing_engine.risk",
    "financing_engine.scenarios",
    "financing_engine.serialization",
    "financing_engine.working_capital",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    """Every docstring example of the module runs and gives the documented output."""
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 0
    assert failures == 0
