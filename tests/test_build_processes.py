"""A build renders every other document in a forked child: the files must be exactly those one
process writes, and a child that dies must cost nothing but time."""
import os

import pytest

from generator import DEFAULT_CALL
from generator import build as build_module
from generator.build import EDITIONS, FORMATS, localized_documents, rendered_documents
from generator.call import load_call

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


@pytest.fixture(scope="module")
def documents():
    return localized_documents(load_call(DEFAULT_CALL), EDITIONS)


@pytest.fixture(scope="module")
def in_one_process(documents):
    saved = os.cpu_count
    os.cpu_count = lambda: 1
    try:
        return rendered_documents(documents, list(FORMATS))
    finally:
        os.cpu_count = saved


def test_two_processes_write_what_one_writes(documents, in_one_process, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert rendered_documents(documents, list(FORMATS)) == in_one_process
    assert len(in_one_process) == len(documents)


def test_a_child_that_dies_leaves_its_documents_to_the_parent(documents, in_one_process, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(build_module, "_render_for_parent", lambda *args: os._exit(3))
    assert rendered_documents(documents, list(FORMATS)) == in_one_process
