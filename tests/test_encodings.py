"""Bytes in the legacy encodings of the web decode to the text that was written, through the API,
the readers and the CLI. The sentences are the team's."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from declutter.readers import Record, read_inputs

STORIES = {
    "arabic": "أعلنت الحكومة اليوم عن خطة جديدة لدعم الصحافة المستقلة في البلاد، وقال الوزير إن التمويل سيبدأ الشهر المقبل.\nوأضاف أن الخطة تشمل تدريب الصحفيين الشباب في المحافظات.",
    "ukrainian": "Уряд оголосив про нову програму підтримки незалежних медіа. Міністр сказав, що фінансування почнеться наступного місяця, і що журналісти отримають гранти.\nЦе важливо для регіонів, де місцеві газети закриваються одна за одною.",
    "russian": "Правительство объявило о новой программе поддержки независимых СМИ. Министр сказал, что финансирование начнётся в следующем месяце.\nЭто важно для регионов, где закрываются местные газеты.",
    "greek": "Η κυβέρνηση ανακοίνωσε σήμερα ένα νέο σχέδιο για τη στήριξη του ανεξάρτητου τύπου στη χώρα.\nΟ υπουργός είπε ότι η χρηματοδότηση θα ξεκινήσει τον επόμενο μήνα.",
    "hebrew": "הממשלה הודיעה היום על תוכנית חדשה לתמיכה בעיתונות עצמאית במדינה, והשר אמר שהמימון יתחיל בחודש הבא.\nעיתונאים מקומיים בירכו על ההחלטה.",
    "polish": "Rząd ogłosił dziś nowy plan wsparcia niezależnej prasy w kraju. Minister powiedział, że finansowanie rozpocznie się w przyszłym miesiącu.\nStowarzyszenie dziennikarzy przyjęło decyzję z zadowoleniem.",
    "czech": "Vláda dnes oznámila nový plán na podporu nezávislého tisku v zemi. Ministr řekl, že financování začne příští měsíc.\nNovinářská asociace rozhodnutí uvítala.",
    "lithuanian": "Vyriausybė šiandien paskelbė naują nepriklausomos spaudos rėmimo planą. Ministras sakė, kad finansavimas prasidės kitą mėnesį.\nŽurnalistų sąjunga sprendimą pasveikino.",
    "japanese": "政府は本日、国内の独立系報道機関を支援する新たな計画を発表した。\n大臣は来月から資金提供が始まると述べた。",
    "simplified chinese": "政府今天宣布了一项支持国内独立新闻业的新计划。\n部长表示，资金将于下个月开始发放。",
    "traditional chinese": "政府今天宣佈了一項支持國內獨立新聞業的新計劃。\n部長表示，資金將於下個月開始發放。",
    "korean": "정부는 오늘 국내 독립 언론을 지원하기 위한 새로운 계획을 발표했다.\n장관은 다음 달부터 자금 지원이 시작된다고 말했다.",
    "thai": "รัฐบาลประกาศแผนใหม่เพื่อสนับสนุนสื่ออิสระในประเทศวันนี้\nรัฐมนตรีกล่าวว่าเงินทุนจะเริ่มในเดือนหน้า",
    "english": "The council’s “final” budget — approved on Tuesday — costs €4m more than planned.\nResidents will see the change in their April bills.",
    "french": "Le café de la gare a rouvert après trois ans de travaux.\n« C’est une renaissance », dit le maire.",
    "short french": "Café fermé.",
    "portuguese": "A eleição de domingo terá votação em três turnos, disse o ministro à imprensa.\nOs resultados saem na segunda-feira.",
    "german": "Grüße aus Köln: Die Straße wurde nach Protesten der Anwohner für den Verkehr gesperrt.\nDie Stadt prüft nun eine Umleitung.",
}
CASES = [
    ("arabic", "cp1256"), ("arabic", "iso-8859-6"), ("ukrainian", "cp1251"), ("ukrainian", "koi8-u"),
    ("russian", "cp1251"), ("russian", "koi8-r"), ("russian", "cp866"), ("greek", "cp1253"), ("greek", "iso-8859-7"),
    ("hebrew", "cp1255"), ("polish", "cp1250"), ("czech", "cp1250"), ("lithuanian", "cp1257"),
    ("japanese", "shift_jis"), ("japanese", "euc-jp"), ("simplified chinese", "gb18030"), ("traditional chinese", "big5"),
    ("korean", "euc-kr"), ("thai", "cp874"), ("english", "cp1252"), ("french", "cp1252"), ("short french", "cp1252"),
    ("portuguese", "latin-1"), ("german", "latin-1"),
]


def lines(document) -> list[str]:
    return [p.text for p in document]


@pytest.mark.parametrize("story, encoding", CASES)
def test_plain_text_in_a_legacy_encoding_without_a_declaration_is_detected(cleaner, story, encoding):
    """No charset anywhere: detection must find it (bs4's chardet read Arabic windows-1256 as Greek
    and Ukrainian windows-1251 as Mac Cyrillic)."""
    assert lines(cleaner.segment(STORIES[story].encode(encoding), "text")) == STORIES[story].split("\n")


def test_a_charset_the_transport_declares_is_used_where_detection_is_unsure(cleaner):
    """Turkish windows-1254 and Polish ISO-8859-2 read equally well as other Latin encodings to a
    detector; the charset of an HTTP header or of the page itself settles it."""
    turkish = "Hükümet bugün bağımsız basını desteklemek için yeni bir plan açıkladı.\nBakan, finansmanın gelecek ay başlayacağını söyledi."
    polish = STORIES["polish"]
    assert lines(cleaner.segment(turkish.encode("cp1254"), "text", encoding="windows-1254")) == turkish.split("\n")
    assert lines(cleaner.segment(polish.encode("iso-8859-2"), "text", encoding="ISO-8859-2")) == polish.split("\n")
    page = f'<html><head><meta charset="windows-1254"></head><body><p>{turkish.replace(chr(10), "</p><p>")}</p></body></html>'
    assert lines(cleaner.segment(page.encode("cp1254"))) == turkish.split("\n")


def test_utf8_with_a_stray_byte_stays_utf8(cleaner):
    """One windows-1252 byte in a UTF-8 page must not turn the whole page into mojibake."""
    english = "Plain English text — with one dash, and a stray byte: caf"
    assert cleaner.segment(english.encode() + b"\xe9.", "text")[0].text == english + "\ufffd."
    story = STORIES["russian"].split("\n")
    data = story[0].encode() + b" \xe9\n" + story[1].encode()
    assert lines(cleaner.segment(data, "text")) == [story[0] + " \ufffd", story[1]]
    page = ('<html><head><meta charset="utf-8"></head><body><p>' + STORIES["german"].replace("\n", "</p><p>") + "</p><p>caf").encode() + b"\xe9</p></body></html>"
    assert lines(cleaner.segment(page)) == [*STORIES["german"].split("\n"), "caf\ufffd"]


def test_a_legacy_story_inside_a_page_of_ascii_markup_is_detected(cleaner):
    """A detector given the whole page samples a few chunks of ASCII markup and finds nothing:
    it is given the bytes around the non-ASCII runs."""
    head = "<html><head><title>News</title><style>" + "p { margin: 0 0 1em; font-family: Georgia, serif; }\n" * 800 + "</style></head>"
    for story, encoding in (("russian", "cp1251"), ("arabic", "cp1256"), ("japanese", "shift_jis"), ("polish", "cp1250")):
        body = "".join(f"<p>{line}</p>" for line in STORIES[story].split("\n"))
        page = f"{head}<body><article>{body}</article></body></html>"
        assert lines(cleaner.segment(page.encode(encoding), "html")) == STORIES[story].split("\n"), (story, encoding)
    dense = STORIES["japanese"].replace("\n", "") * 3000  # 300 KB of double-byte text, no ASCII byte to cut a sample at
    assert cleaner.segment(dense.encode("shift_jis"), "text")[0].text == dense


@pytest.mark.parametrize("label", ["euc-kr", "ks_c_5601-1987"])
def test_a_declared_korean_encoding_is_read_as_browsers_read_it(cleaner, label):
    """Korean pages labelled euc-kr hold UHC syllables Python's euc_kr lacks (똠): browsers read
    the larger encoding, and one such character, or a last character cut in two, must not
    discard the declaration (detection reads this short line as Thai)."""
    korean = "똠 " + STORIES["korean"]
    assert lines(cleaner.segment(korean.encode("cp949"), "text", encoding=label)) == korean.split("\n")
    page = f'<html><head><meta charset="{label}"></head><body><p>{korean.replace(chr(10), "</p><p>")}</p></body></html>'
    assert lines(cleaner.segment(page.encode("cp949"))) == korean.split("\n")
    line = "정부는 오늘 경제를 지원하기 위한 새로운 조치"
    cut = (line + "가").encode("cp949")[:-1]  # a record cut inside its last character
    assert lines(cleaner.segment(cut, "text", encoding=label))[0].startswith(line)


def test_declared_japanese_encodings_are_read_as_browsers_read_them(cleaner):
    """Japanese shift_jis and euc-jp pages hold the circled numbers and signs of Microsoft and NEC
    (①, ㈱) and IBM's kanji (髙, 﨑) as Windows writes them; euc_jis_2004 read the IBM ones as
    other kanji, Python's euc_jp and shift_jis not at all."""
    japanese = "①" + STORIES["japanese"]
    assert lines(cleaner.segment(japanese.encode("cp932"), "text", encoding="shift_jis")) == japanese.split("\n")
    short = "運営：㈱ニュース\n①ニュース"  # detection alone reads these as Thai
    assert lines(cleaner.segment(short.encode("euc_jis_2004"), "text", encoding="euc-jp")) == short.split("\n")
    nec = "運営：㈱ニュース\n①" + STORIES["japanese"]
    assert lines(cleaner.segment(nec.encode("euc_jis_2004"), "text")) == nec.split("\n")
    ibm = bytes.fromhex("bbb3f9f5a4c8fce2b6b6")  # 山﨑と髙橋 as EUC-JP written on Windows (NEC-selected IBM rows 89-92)
    assert cleaner.segment(ibm, "text", encoding="euc-jp")[0].text == "山﨑と髙橋"


def test_a_short_cyrillic_headline_is_not_read_as_half_width_kana(cleaner):
    """Where detection finds several encodings equally good, a single-byte one wins: Shift_JIS
    reads any Cyrillic capitals as half-width katakana."""
    for headline in ("ВІЙНА В УКРАЇНІ: ОСТАННІ НОВИНИ", "ЁЛКА В КРЕМЛЕ"):
        assert cleaner.segment(headline.encode("cp1251"), "text")[0].text == headline


@pytest.mark.parametrize("label", ["undefined", "unicode_escape", "utf-16", "cp037", "bogus", ""])
def test_a_label_that_names_no_web_encoding_is_ignored(cleaner, label):
    """``charset=undefined`` (a template left unfilled) made Python's "undefined" codec raise;
    utf-16 read 8-bit bytes as CJK; EBCDIC and unicode_escape are no web encodings."""
    assert lines(cleaner.segment(STORIES["russian"].encode("cp1251"), "text", encoding=label)) == STORIES["russian"].split("\n")
    page = f'<html><head><meta charset="{label}"></head><body><p>{STORIES["russian"].replace(chr(10), "</p><p>")}</p></body></html>'
    assert lines(cleaner.segment(page.encode("cp1251"))) == STORIES["russian"].split("\n")


def test_a_declaration_decides_between_damaged_utf8_and_a_legacy_encoding(cleaner):
    """A windows-1252 story in a page template whose menu is UTF-8 reads as the page says; a
    UTF-8 page with a windows-1252 comment pasted in stays UTF-8, as it says."""
    story = "The council’s budget, approved on Tuesday, wasn’t what residents expected."
    template = "<nav>Home › News › Local › City · Sport · Weather</nav>".encode()  # 13 bytes of UTF-8 beyond ASCII
    page = b'<html><head><meta charset="windows-1252"></head><body>' + template + b"<p>" + story.encode("cp1252") + b"</p></body></html>"
    assert story in lines(cleaner.segment(page))
    german = STORIES["german"].split("\n")
    page = ('<html><head><meta charset="utf-8"></head><body><p>' + german[0] + "</p><p>").encode() + "Das hätte man früher müssen, schön.".encode("cp1252") + b"</p></body></html>"
    assert lines(cleaner.segment(page))[0] == german[0]
    assert lines(cleaner.segment(page[page.index(b"<body>"):], encoding="utf-8"))[0] == german[0]


def test_a_server_default_latin1_gives_way_to_the_page_and_a_wrong_label_to_detection(cleaner):
    """"charset=ISO-8859-1" is many servers' default for every page; Big5 bytes labelled gb2312
    read as GB18030 without a single U+FFFD, but into private-use characters."""
    russian = STORIES["russian"].split("\n")
    page = f'<html><head><meta charset="windows-1251"></head><body><p>{russian[0]}</p></body></html>'.encode("cp1251")
    assert lines(cleaner.segment(page, encoding="ISO-8859-1")) == russian[:1]
    english = STORIES["english"].split("\n")[0]  # UTF-8 with a stray byte under the default header
    assert lines(cleaner.segment(english.encode() + b" caf\xe9", "text", encoding="ISO-8859-1")) == [english + " caf\ufffd"]
    chinese = STORIES["traditional chinese"].split("\n")
    page = f'<html><head><meta charset="gb2312"></head><body><p>{chinese[0]}</p><p>{chinese[1]}</p></body></html>'.encode("big5")
    assert lines(cleaner.segment(page)) == chinese


def test_iso_2022_jp_and_odd_labels(cleaner):
    """ISO-2022-JP is 7-bit with escape bytes (taken for binary data before); a label holding a
    NUL, or one that is no string, is ignored instead of failing the record."""
    japanese = STORIES["japanese"]
    assert lines(cleaner.segment(japanese.encode("iso2022_jp"), "text")) == japanese.split("\n")
    page = '<html><head><meta charset="windows-1251\x00"></head><body><p>' + STORIES["russian"].split("\n")[0] + "</p></body></html>"
    assert lines(cleaner.segment(page.encode("cp1251"))) == STORIES["russian"].split("\n")[:1]
    for label in (b"cp1251", 1251, "\udc80"):
        assert lines(cleaner.segment(STORIES["russian"].encode("cp1251"), "text", encoding=label)) == STORIES["russian"].split("\n")


def test_a_page_that_declares_a_wrong_charset_but_is_utf8_is_read_as_utf8(cleaner):
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>' + STORIES["french"].replace("\n", "</p><p>") + "</p></body></html>"
    assert lines(cleaner.segment(page.encode())) == STORIES["french"].split("\n")


def _page(story: str) -> str:
    """A news page around ``story`` that declares no charset of its own."""
    body = "".join(f"<p>{line}</p>" for line in story.split("\n"))
    return (
        "<html><head><title>Новини</title></head><body><header><nav><a href='/'>Головна</a> <a href='/world'>Світ</a></nav></header>"
        f"<main><article><h1>Уряд підтримає незалежні медіа</h1>{body}</article></main>"
        "<footer><p>© 2026 Новини регіону. Усі права захищено.</p></footer></body></html>"
    )


def test_a_warc_response_is_read_in_the_charset_of_its_http_header(cleaner, tmp_path):
    """Polish in ISO-8859-2 reads as windows-1252 to a detector ("ogģosiģ"): only the header
    tells. The --site-repeats pass that counts a site's repeated lines must decode as the
    cleaning pass does, or their keys differ and the repeated footer stays."""
    stories = [
        STORIES["polish"] + "\nSamorządy mogą składać wnioski do końca maja, a pierwsze granty trafią do redakcji latem.",
        STORIES["czech"] + "\nObce mohou žádat o příspěvek do konce května, první peníze přijdou v létě.",
        "Vláda schválila nový zákon o médiách.\nMinister povedal, že zmeny začnú platiť v júni a týkajú sa aj rozhlasu.",
    ]
    footer = "Wszelkie prawa zastrzeżone. Przedruk tylko za zgodą wydawcy."
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n, content_type in enumerate(["text/html; charset=iso-8859-2", 'text/html;charset="ISO-8859-2"', "text/html; charset=latin2"]):
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            body = "".join(f"<p>{line}</p>" for line in stories[n].split("\n"))
            page = f"<html><body><main><article>{body}</article></main><div class='info'>{footer}</div></body></html>"
            writer.write_record(writer.create_warc_record(f"https://news.example/{n}", "response", payload=io.BytesIO(page.encode("iso-8859-2")), http_headers=headers))

    records = [r for r in read_inputs([str(path)]) if isinstance(r, Record)]
    assert [r.charset for r in records] == ["iso-8859-2", "ISO-8859-2", "latin2"]
    for story, record in zip(stories, records):
        assert story.split("\n")[0] in lines(cleaner.segment(record.content, record.format, encoding=record.charset))

    for extra in ([], ["--site-repeats", "2", "--keep", "legal"]):
        out = tmp_path / f"out{len(extra)}.jsonl"
        done = subprocess.run([sys.executable, "-m", "declutter", "clean", str(path), "-o", str(out), "-q", *extra], capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        texts = [json.loads(line)["clean_text"] for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(texts) == 3 and all(story.split("\n")[0] in text for story, text in zip(stories, texts))
        if extra:  # kept as legal by --keep, dropped as repeated on the site
            assert not any(footer in text for text in texts)


def test_batches_and_streams_take_each_documents_declared_charset(cleaner):
    """``tag_many`` and ``stream`` read each document in its own declared charset, as ``tag`` does;
    ISO-8859-2 Polish, which detection reads as windows-1252, shows that they do."""
    polish, russian = STORIES["polish"], STORIES["russian"]
    documents, encodings = [polish.encode("iso-8859-2"), russian.encode("koi8-r"), polish], ["iso-8859-2", "koi8-r", None]
    expected = [polish.split("\n"), russian.split("\n"), polish.split("\n")]
    assert [lines(d) for d in cleaner.tag_many(documents, "text", encodings=encodings)] == expected
    assert [lines(r.document) for r in cleaner.stream(iter(documents), "text", encodings=iter(encodings), batch_size=2)] == expected
    with pytest.raises(ValueError, match="2 encodings for 3 documents"):
        cleaner.tag_many(documents, encodings=encodings[:2])
    with pytest.raises(ValueError):
        list(cleaner.stream(documents, encodings=encodings[:2], errors="return"))


@pytest.mark.parametrize("story", ["english", "russian", "arabic", "german", "greek"])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(cleaner, story, codec):
    """Its NUL bytes made it "binary data"; a page or a text saved as UTF-16 by a Windows tool
    or an HTTP server need not start with a mark."""
    assert lines(cleaner.segment(STORIES[story].encode(codec), "text")) == STORIES[story].split("\n")
    page = f'<html><body><p>{STORIES[story].replace(chr(10), "</p><p>")}</p></body></html>'
    assert lines(cleaner.segment(page.encode(codec))) == STORIES[story].split("\n")


def test_16_bit_binary_data_is_not_read_as_utf16():
    """Small 16-bit numbers have the NUL pattern of UTF-16 text but decode to control characters."""
    from declutter.decode import DecodeError, decode_bytes

    samples = bytes(n % 200 for n in range(4000))  # 16-bit little-endian samples below 200
    with pytest.raises(DecodeError, match="binary data"):
        decode_bytes(b"".join(bytes((b, 0)) for b in samples))


def test_a_short_ascii_record_with_a_nul_is_no_utf16_and_cut_utf16_is_read():
    """One NUL at an odd offset of a 12-byte record made it UTF-16 mojibake; UTF-16 cut short
    (an odd number of bytes) was "binary data"."""
    from declutter.decode import decode_bytes

    assert decode_bytes(b"Hello world\x00") == "Hello world"
    assert decode_bytes(b"Breaking news\x00Updated\x00") == "Breaking newsUpdated"  # two stray NULs
    assert decode_bytes("Hello".encode("utf-16-le")) == "Hello"  # a short UTF-16 record is still UTF-16
    title = "Новости дня: новая программа для СМИ"  # a title of 35 characters
    assert decode_bytes(title.encode("utf-16-be")) == title
    story = STORIES["english"]
    assert decode_bytes(story.encode("utf-16-le")[:-1]) == story[:-1]
