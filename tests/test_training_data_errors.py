"""Bad training data gives one clear ``file:line: reason`` error (DataError), never a traceback."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from declutter.cli import main
from declutter.dataset import DataError, data_files, read_documents

GOOD = '{"id": "ok-1", "lang": "en", "paragraphs": [{"text": "A sentence of the story.", "label": "article"}]}\n'
DOM = {"tag": "p", "depth": 3, "tokens": "t_p", "link_density": 0.0, "in_boilerplate_region": False, "parent_long_chars": 0,
       "grandparent_long_chars": 0, "sibling_blocks": 1, "in_densest_container": True, "container_distance": 0}


def _paragraphs(**item) -> str:
    return json.dumps({"id": "x-1", "paragraphs": [{"text": "abc", "label": "article", **item}]})


def _read_error(path) -> str:
    with pytest.raises(DataError) as caught:
        list(read_documents([path]))
    return str(caught.value)


@pytest.mark.parametrize("line, kind", [("[1, 2]", "a list"), ("null", "null"), ('"just a string"', "a string"), ("5", "a number")])
def test_a_line_that_is_not_an_object(tmp_path, line, kind):
    path = tmp_path / "data.jsonl"
    path.write_text(GOOD + line + "\n")
    assert _read_error(path) == f"{path}:2: a line must hold a JSON object, not {kind}"


@pytest.mark.parametrize("line, message", [
    ('{"source": "text", "paragraphs": [{"text": "a", "label": "article"}]}', "missing field 'id'"),
    ('{"id": [1], "paragraphs": []}', "field 'id' must be a string, not a list"),
    ('{"id": "x-1", "source": "text"}', "missing field 'paragraphs' (or 'html')"),
    ('{"id": "h-1", "source": "html", "html": 5}', "field 'html' must be a string, not a number"),
    ('{"id": "h-2", "html": "<p data-label=\\"article\\">A</p>", "paragraphs": []}', "fields 'paragraphs' and 'html' both given"),
    ('{"id": "x-1", "paragraphs": {"text": "a", "label": "article"}}', "field 'paragraphs' must be a list, not an object"),
    ('{"id": "x-1", "paragraphs": ["a sentence"]}', "field 'paragraphs[0]' must be an object, not a string"),
    ('{"id": "x-1", "paragraphs": [{"text": 42, "label": "article"}]}', "field 'paragraphs[0].text' must be a string, not a number"),
    ('{"id": "x-1", "paragraphs": [{"text": "a"}]}', "missing field 'paragraphs[0].label'"),
    ('{"id": "x-1", "paragraphs": [{"text": "a", "label": ["article"]}]}', "field 'paragraphs[0].label' must be a string, not a list"),
    ('{"id": "x-1", "lang": 7, "paragraphs": []}', "field 'lang' must be a string, not a number"),
    (_paragraphs(dom=["p", 3]), "field 'paragraphs[0].dom' must be an object, not a list"),
    (_paragraphs(dom={"tag": "p"}), "field 'paragraphs[0].dom' has wrong keys: missing ['container_distance', 'depth',"),
    (_paragraphs(dom={**DOM, "colour": "red"}), "field 'paragraphs[0].dom' has wrong keys: missing [], unknown ['colour']"),
])
def test_a_field_of_the_wrong_type_or_missing_is_named(tmp_path, line, message):
    path = tmp_path / "data.jsonl"
    path.write_text(line + "\n")
    assert _read_error(path).startswith(f"{path}:1: {message}")


def test_source_must_be_text_or_html(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text('{"id": "s-2", "source": "pdf", "paragraphs": [{"text": "abc", "label": "article"}]}\n')
    assert _read_error(path) == f"{path}:1: field 'source' must be one of 'text', 'html', not 'pdf'"


def test_valid_documents_read_as_before(tmp_path):
    path = tmp_path / "data.jsonl"
    page = '<html><body><p data-label="article">A sentence of the story, long enough.</p></body></html>'
    path.write_text(GOOD + "\n" + _paragraphs(dom=DOM) + "\n" + json.dumps({"id": 3, "source": "html", "html": page}) + "\n")
    first, second, third = read_documents([path])
    assert (first.id, first.source, first.lang, first.labels, first.format) == ("ok-1", "text", "en", ["article"], "text")
    assert second.paragraphs[0].dom.tag == "p" and second.format == "html"
    assert (third.id, third.source, third.labels) == ("3", "html", ["article"])


def test_a_file_named_gz_that_is_not_gzip(tmp_path):
    path = tmp_path / "train.jsonl.gz"
    path.write_bytes(b"not gzip\n")
    message = _read_error(path)
    assert message.startswith(f"{path}:1: unreadable file:") and "gzip" in message


def test_a_truncated_gzip_names_the_line_reached(tmp_path):
    path = tmp_path / "train.jsonl.gz"
    whole = gzip.compress("".join(GOOD.replace("ok-1", f"ok-{i}") for i in range(2000)).encode())
    path.write_bytes(whole[: len(whole) // 2])
    message = _read_error(path)
    assert message.startswith(f"{path}:") and "unreadable file: Compressed file ended" in message
    assert int(message[len(f"{path}:"):].split(":")[0]) > 1


def test_corrupt_gzip_data(tmp_path):
    path = tmp_path / "train.jsonl.gz"
    data = bytearray(gzip.compress(GOOD.encode() * 50))
    data[20:40] = b"\xff" * 20
    path.write_bytes(bytes(data))
    assert _read_error(path).startswith(f"{path}:1: unreadable file:")


def test_a_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_bytes(GOOD.encode() + b'{"id": "x-2", "paragraphs": [{"text": "caf\xe9", "label": "article"}]}\n')
    assert _read_error(path).startswith(f"{path}:2: not valid UTF-8:")


def test_a_directory_holds_jsonl_and_ndjson_files_gzipped_or_not(tmp_path):
    (tmp_path / "sub").mkdir()
    for i, name in enumerate(["a.jsonl", "b.ndjson", "sub/c.jsonl.gz", "sub/d.ndjson.gz", "notes.json", "e.txt"]):
        content = GOOD.replace("ok-1", f"ok-{i}").encode()
        (tmp_path / name).write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    assert [p.name for p in data_files([tmp_path])] == ["a.jsonl", "b.ndjson", "c.jsonl.gz", "d.ndjson.gz"]
    assert [d.id for d in read_documents([tmp_path])] == ["ok-0", "ok-1", "ok-2", "ok-3"]
    assert [d.id for d in read_documents([tmp_path / "notes.json", tmp_path / "e.txt"])] == ["ok-4", "ok-5"]  # named files, whatever their name


@pytest.mark.parametrize("name, content, line", [
    ("train.jsonl.gz", b"not gzip\n", 1),
    ("data.jsonl", (GOOD + '{"id": "x-2", "paragraphs": [{"text": 42, "label": "article"}]}\n').encode(), 2),
])
def test_stats_reports_bad_data_as_one_line(tmp_path, name, content, line):
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["stats", str(path)])
    assert result.exit_code == 1
    assert f"Error: {path}:{line}: " in result.output
    assert "Traceback" not in result.output and "Aborted" not in result.output


def test_train_reports_a_truncated_gzip_instead_of_aborting(tmp_path):
    path = tmp_path / "train.jsonl.gz"
    whole = gzip.compress("".join(GOOD.replace("ok-1", f"ok-{i}") for i in range(2000)).encode())
    path.write_bytes(whole[: len(whole) // 2])
    result = CliRunner().invoke(main, ["train", str(path), "-o", str(tmp_path / "model")])
    assert result.exit_code == 1
    assert f"Error: {path}:" in result.output and "Compressed file ended" in result.output
    assert "Traceback" not in result.output and "Aborted" not in result.output
    assert not (tmp_path / "model").exists()


def test_dom_values_of_the_wrong_type_are_named(tmp_path):
    path = tmp_path / "data.jsonl"
    for key, value, message in (("depth", "three", "must be a number, not a string"), ("tokens", 5, "must be a string, not a number")):
        path.write_text(json.dumps({"id": "x-1", "paragraphs": [{"text": "abc", "label": "article", "dom": {**DOM, key: value}}]}) + "\n")
        assert _read_error(path) == f"{path}:1: field 'paragraphs[0].dom.{key}' {message}"


def test_a_file_that_starts_with_a_bom_is_read(tmp_path):
    """Windows editors write one; `clean` read such JSONL, `train` refused it."""
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode() + GOOD.replace("ok-1", "ok-2").encode())
    assert [d.id for d in read_documents([path])] == ["ok-1", "ok-2"]


def test_a_line_that_is_not_json_names_the_character_within_the_line(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text(GOOD + '{"id": "x-2" "paragraphs": []}\n')
    assert _read_error(path) == f"{path}:2: not JSON: Expecting ',' delimiter at character 14"
