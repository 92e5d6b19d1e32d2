"""YAML is parsed by libyaml (in C) where PyYAML has it, and composed by our own strict composer
either way: the same values and the same refusals as PyYAML's pure-Python parser gives."""
import pytest
import yaml

from generator import FORMS_DIR
from generator.errors import FormgenError
from generator.sources.yamlfile import LOADERS, parse_yaml

pytestmark = pytest.mark.skipif(len(LOADERS[False]) < 2, reason="this PyYAML has no libyaml")


@pytest.mark.parametrize("strings", [False, True])
def test_libyaml_reads_every_definition_and_call_as_pyyaml_does(strings):
    fast, python = LOADERS[strings]
    paths = sorted(FORMS_DIR.rglob("*.yaml"))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=fast) == yaml.load(text, Loader=python), path  # noqa: S506


@pytest.mark.parametrize("text, problem", [
    ("a: &x [1]\nb: *x\n", "line 2, column 4: aliases"),
    ("a: {b: 1}\nc:\n  <<: {b: 2}\n", "line 3, column 3: merge keys"),
    ("a: 1\na: 2\n", "line 2, column 1: key 'a' given twice"),
    ("a: " + "[" * 70 + "]" * 70 + "\n", "nested more than 64 levels"),
])
def test_the_strict_checks_hold_with_libyaml(tmp_path, text, problem):
    fast, _ = LOADERS[False]
    with pytest.raises(yaml.YAMLError):
        yaml.load(text, Loader=fast)  # noqa: S506
    with pytest.raises(FormgenError, match=problem):
        parse_yaml(text, tmp_path / "x.yaml")


def test_what_libyaml_refuses_is_read_as_pyyaml_reads_it(tmp_path):
    text = 'name: "a \\ud800 b"\n'  # libyaml refuses a lone surrogate escape; our checks explain it later
    with pytest.raises(yaml.YAMLError):
        yaml.load(text, Loader=LOADERS[True][0])  # noqa: S506
    assert parse_yaml(text, tmp_path / "x.yaml", strings=True) == {"name": "a \ud800 b"}


def test_text_libyaml_cannot_take_is_refused_as_pyyaml_refused_it(tmp_path):
    text = "name: x\udcff\n"  # a lone surrogate, as an undecodable command-line byte becomes
    with pytest.raises(FormgenError, match="FG005|special characters"):
        parse_yaml(text, tmp_path / "x.yaml")


def test_loading_a_projects_forms_parses_each_file_once(source_copy, monkeypatch):
    """Every command loads every form; the shared choice lists (choices.yaml) that each form reads and
    the project's settings are parsed once for them all, not once a form."""
    from collections import Counter

    from generator.sources import yamlfile
    from generator.sources.definitions import form_paths, load_forms

    forms_dir = source_copy[0]  # a copy: files no earlier test has parsed in this process
    parsed: Counter = Counter()
    parse = yamlfile.parse_yaml
    monkeypatch.setattr(yamlfile, "parse_yaml", lambda text, path, *args: parsed.update([path.name]) or
                        parse(text, path, *args))
    load_forms(forms_dir)
    assert len(form_paths(forms_dir)) > 1 and (forms_dir / "choices.yaml").exists()
    assert set(parsed.values()) == {1}, parsed
