"""The Python API refuses what every document would fail on at the call, and treats str and bytes alike."""

from __future__ import annotations

import pytest

from declutter import Cleaner

STORY = "The council voted on Tuesday to extend the harbour wall by forty metres after two winters of storm damage."


@pytest.mark.parametrize("settings, error, message", [
    ({"keep": "meta"}, TypeError, "keep is a collection of labels"),  # was read letter by letter: "unknown label 'm'"
    ({"max_bytes": -1}, ValueError, "max_bytes must be a whole number of at least 1 or None, not -1"),
    ({"max_bytes": "1000"}, ValueError, "max_bytes must be a whole number"),
    ({"max_paragraphs": 0}, ValueError, "max_paragraphs must be a whole number of at least 1 or None, not 0"),
    ({"threshold": True}, TypeError, "threshold must be a number, not True"),
])
def test_settings_every_document_would_fail_on_are_refused_at_once(cleaner, settings, error, message):
    with pytest.raises(error, match=message):
        Cleaner(cleaner.model, manifest=cleaner.manifest, **settings)


def test_one_document_where_many_are_expected_is_refused(cleaner):
    """`stream("text")` cleaned the string character by character: one result per letter."""
    for call in (lambda: cleaner.stream(STORY), lambda: cleaner.stream(STORY.encode()), lambda: cleaner.tag_many(STORY)):
        with pytest.raises(TypeError, match=r"pass \[document\]"):
            call()
    documents = [STORY.encode("koi8-r")] * 6  # "koi8-r" letter by letter: six unknown charsets, read without a word
    for call in (lambda: cleaner.stream(documents, encodings="koi8-r"), lambda: cleaner.tag_many(documents, encodings="koi8-r")):
        with pytest.raises(TypeError, match="encodings holds one charset per document"):
            call()


def test_a_stream_that_raises_gives_the_documents_before_the_failure_first(cleaner):
    """With errors="raise", the good documents batched with a bad one were never given."""
    stream = cleaner.stream([STORY, STORY + " Later.", b"\x00\x01\x02" * 400, STORY], batch_size=8)
    assert [r.text for r in (next(stream), next(stream))] == [STORY, STORY + " Later."]
    with pytest.raises(ValueError, match="binary data"):
        next(stream)


def test_a_byte_order_mark_is_no_text_in_str_as_in_bytes(cleaner):
    text = "\ufeff" + STORY
    assert cleaner.clean(text, "text") == cleaner.clean(text.encode("utf-8"), "text") == STORY


def test_a_str_over_the_size_limit_is_named_in_characters_and_bytes(cleaner):
    small = Cleaner(cleaner.model, manifest=cleaner.manifest, max_bytes=50)
    with pytest.raises(ValueError, match=r"document of 106 characters \(as many bytes or more\) is over the limit of 50 bytes"):
        small.clean(STORY)
