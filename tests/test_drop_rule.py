"""The drop rule: short paragraphs get their own threshold, and the cleaner decides by its manifest's rules."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from declutter import Cleaner
from declutter.cli import main
from declutter.drop_rule import DropRule
from declutter.scripts import word_count


def test_short_paragraphs_are_dropped_at_their_own_threshold_and_long_ones_never():
    rule = DropRule(threshold=0.6, short_threshold=0.2, short_words=3, named_threshold=0.75)
    boilerplate = np.array([0.3, 0.3, 0.7, 0.1, 0.1])
    named = np.array([0.0, 0.0, 0.0, 0.0, 0.8])
    texts = ["Related: more", "A story line of more than three words.", "A longer line of boilerplate text.", "Close", "Long enough to be judged by the long threshold"]
    assert rule.drops(boilerplate, named, texts).tolist() == [True, False, True, False, True]
    keeping_long = DropRule(0.6, 0.2, 3, 0.75, keep_chars=len(texts[2]))
    assert keeping_long.drops(boilerplate, named, texts).tolist() == [True, False, False, False, False]


@pytest.mark.parametrize("text, words", [
    ("Why trust us?", 3),
    ("  Sign  up\tnow ", 3),
    ("相关阅读", 2),  # Chinese: "related reading", a heading of two words
    ("经过两年的施工，河口镇新建的公共图书馆于本周六上午正式向市民开放。", 16),
    ("東京で新しい図書館が開館しました", 8),  # Japanese: kanji and kana
    ("ห้องสมุดเปิดใหม่", 4),  # Thai "the library opens anew": three words, sixteen code points
    ("2026年 © 河口日报", 4),  # digits between the characters are a word of their own, signs are not
    ("Привет, мир", 2),
])
def test_words_are_counted_in_scripts_without_spaces_too(text, words):
    assert word_count(text) == words


def test_a_chinese_story_paragraph_is_not_judged_as_a_short_line():
    """Without spaces a whole paragraph used to count as one word and met the short lines' lower
    threshold: the lead of a Chinese story was dropped at P(boilerplate) 0.35."""
    rule = DropRule(threshold=0.6, short_threshold=0.3, short_words=5, named_threshold=0.75)
    texts = ["经过两年的施工，河口镇新建的公共图书馆于本周六上午正式向市民开放，首日接待读者超过三千人次。", "相关阅读", "立即订阅"]
    assert rule.drops(np.array([0.35, 0.35, 0.35]), np.zeros(3), texts).tolist() == [False, True, True]


def test_manifests_from_before_drop_rules_give_one_threshold_per_format():
    old = {"drop_thresholds": {"html": 0.55, "text": 0.7}, "named_threshold": 0.6}
    assert DropRule.from_manifest(old, "text") == DropRule(0.7, 0.7, 0, 0.6)
    assert DropRule.from_manifest({}, "html") == DropRule(0.5, 0.5, 0, 0.75)
    new = {"drop_rules": {"html": DropRule(0.6, 0.2, 30, 0.75, 2000).to_dict()}}
    assert DropRule.from_manifest(new, "html") == DropRule(0.6, 0.2, 30, 0.75, 2000)


def test_cleaner_decides_by_the_rule_of_the_documents_format(cleaner, seed_text, seed_page):
    """The shipped model with edited rules: a short-line rule that drops everything short drops
    exactly the seed's short paragraphs, and only in the format it is given for."""
    rules = {"text": DropRule(1.01, 0.0, 12, 1.01).to_dict(), "html": DropRule(1.01, 1.01, 0, 1.01).to_dict()}
    edited = Cleaner(cleaner.model, manifest={**cleaner.manifest, "drop_rules": rules})
    text = edited.tag(seed_text, format="text")
    assert [p.kept for p in text] == [len(p.text.split()) > 12 for p in text]
    assert any(not p.kept for p in text) and any(p.kept for p in text)
    assert all(p.kept for p in edited.tag(seed_page, format="html"))


@pytest.mark.parametrize("format", ["html", "text"])
def test_a_threshold_given_by_the_user_replaces_the_calibrated_rules(cleaner, seed_page, seed_text, format):
    """The API, the CLI and every format drop exactly the paragraphs whose P(boilerplate) reaches it."""
    source = seed_page if format == "html" else seed_text
    document = cleaner.segment(source, format=format)
    proba, _ = cleaner.model.predict_proba_flat([document])
    boilerplate = 1 - proba[:, list(cleaner.model.classes_).index("article")]
    kept_by_threshold = {}
    for threshold in (0.02, 0.5, 0.98):
        tagged = Cleaner(cleaner.model, manifest=cleaner.manifest, threshold=threshold).tag(source, format=format)
        assert [p.kept for p in tagged] == (boilerplate < threshold).tolist()
        kept_by_threshold[threshold] = sum(p.kept for p in tagged)
    assert kept_by_threshold[0.02] <= kept_by_threshold[0.5] <= kept_by_threshold[0.98]
    if format == "text":  # the page's blocks are all far from the middle; the plain text's are not
        assert kept_by_threshold[0.02] < kept_by_threshold[0.98]
    with pytest.raises(ValueError, match="between 0 and 1"):
        DropRule.uniform(1.5)


def test_the_cli_threshold_keeps_less_when_lower(tmp_path, seed_text):
    page = tmp_path / "seed.txt"
    page.write_text(seed_text)
    outputs = {}
    for threshold in ("0.02", "0.98"):
        result = CliRunner().invoke(main, ["clean", str(page), "--threshold", threshold])
        assert result.exit_code == 0, result.output
        outputs[threshold] = [line for line in result.output.splitlines() if line]
    assert set(outputs["0.02"]) < set(outputs["0.98"])
    refused = CliRunner().invoke(main, ["clean", str(page), "--threshold", "1.5"])
    assert refused.exit_code == 2 and "--threshold" in refused.output


def test_a_paragraph_kept_for_its_length_says_so_and_keeps_the_models_label(cleaner):
    """The length rule keeps text run together; such an appeal was shown as `article` at
    P(article) 0.01 with no reason, so a user auditing what leaked could not see it."""
    appeal = ("Dear readers, the Harbour Ledger is independent and funded by people like you. "
              "We do not have a billionaire owner and we never put our journalism behind a paywall. "
              "If you value what we do, please consider supporting us with a donation today. "
              "Every gift, however small, keeps our reporters on the coast and our newsletter free. ") * 7
    story = "The council voted on Tuesday to extend the harbour wall by forty metres after two winters of storm damage."
    first, second = cleaner.tag(story + "\n" + appeal, "text")
    assert len(second.text) >= cleaner.drop_rule("text").keep_chars and second.boilerplate > 0.9
    assert second.kept and second.label not in cleaner.keep and second.probability > 0.5
    assert second.reason == f"kept: {len(second.text):,} characters, text run together (never dropped from 2,000)"
    assert first.kept and first.label == "article" and first.reason is None
    assert cleaner.tag(story + "\n" + appeal[:1500], "text")[1].kept is False  # shorter, it is dropped


@pytest.mark.parametrize("command", ["clean", "tag"])
def test_a_threshold_of_nan_is_a_usage_error(tmp_path, seed_text, command):
    """click's range check let NaN through, and the run ended in a traceback."""
    page = tmp_path / "a.txt"
    page.write_text(seed_text)
    done = CliRunner().invoke(main, [command, str(page), "--threshold", "nan"])
    assert done.exit_code == 2 and "nan is not a number between 0 and 1" in done.output
