"""collect reads files in a pool of processes once there are many: same results, same order."""
from __future__ import annotations

from generator import DEFAULT_CALL
from generator.commands.build import build
from generator.commands.collect import Forms, read_all
from generator.errors import FormgenError
from generator.pipeline import fillable_forms


def outcome(results):
    return [(path.name, r.problem if isinstance(r, FormgenError)
             else [(key, returned.form, sorted(returned.values.items())) for key, returned in r[0]])
            for path, r in results]


def test_reading_in_a_pool_gives_what_reading_here_gives_in_the_same_order(tmp_path, call):
    build(DEFAULT_CALL, tmp_path, langs=["ru", "ky"], form_ids=[form.id for form in fillable_forms()], site=False)
    (tmp_path / "notes.txt").write_text("not a form")
    paths = sorted(p for p in tmp_path.rglob("*") if p.suffix in (".pdf", ".docx", ".txt"))
    assert len(paths) >= 5
    forms = Forms(call)
    here = outcome(read_all(iter(paths), forms, jobs=1))
    in_pool = outcome(read_all(iter(paths), forms, jobs=2, parallel_from=1))
    assert in_pool == here
    assert [name for name, _ in here] == [p.name for p in paths]
    assert any(isinstance(r, str) for _, r in here) and any(isinstance(r, list) for _, r in here)


def test_where_processes_cannot_fork_the_files_are_read_here(tmp_path, call, monkeypatch):
    """The forms are not pickled to a spawned worker (Windows): no workers, the same results."""
    build(DEFAULT_CALL, tmp_path, langs=["ky"], form_ids=[form.id for form in fillable_forms()], site=False)
    paths = sorted(p for p in tmp_path.rglob("*") if p.suffix in (".pdf", ".docx"))
    forms = Forms(call)
    here = outcome(read_all(iter(paths), forms, jobs=1))
    monkeypatch.delattr("os.fork")
    assert outcome(read_all(iter(paths), forms, jobs=2, parallel_from=1)) == here
