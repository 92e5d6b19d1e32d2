"""A build localizes and renders every other document in a forked child: the files must be exactly
those one process writes, and a child that dies must cost nothing but time."""
import os

import pytest

from generator import DEFAULT_CALL
from generator.commands import build as build_module
from generator.commands.build import in_two_processes, rendered_document
from generator.pipeline import EDITIONS, FORMATS, editions_of, localized, renderer
from generator.sources.call import load_call

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


@pytest.fixture(scope="module")
def plan():
    return editions_of(load_call(DEFAULT_CALL), EDITIONS)


def make(plan):
    items, by_lang = plan
    renderers = {fmt: renderer(fmt) for fmt in FORMATS}
    return in_two_processes(items, lambda item: rendered_document(localized(by_lang, *item), renderers))


@pytest.fixture(scope="module")
def in_one_process(plan):
    saved = os.cpu_count
    os.cpu_count = lambda: 1
    try:
        return make(plan)
    finally:
        os.cpu_count = saved


def test_two_processes_write_what_one_writes(plan, in_one_process, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert make(plan) == in_one_process
    assert len(in_one_process) == len(plan[0])


def test_a_child_that_dies_leaves_its_documents_to_the_parent(plan, in_one_process, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build_module, "_work_for_parent", lambda *args: os._exit(3))
    assert make(plan) == in_one_process


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7])
def test_every_item_comes_back_in_order(count, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert in_two_processes(list(range(count)), lambda item: item * item) == [i * i for i in range(count)]
