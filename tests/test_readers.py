"""The readers on real, damaged inputs: every record comes out as a Record or a Failure with a reason.

WARC files are written with warcio around real pages of the WCXB sample (read at test time);
directories, symlinks and JSONL files are real files under ``tmp_path``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import itertools
import json
import os
import subprocess
import sys
import tracemalloc
import uuid
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from declutter.readers import Failure, JsonlFields, Record, read_inputs
from tests.conftest import WCXB

PAGES = sorted((WCXB / "html").glob("*.html.gz"))[:12]


def page(n: int) -> bytes:
    return gzip.decompress(PAGES[n].read_bytes())


def http(content_type: str | None, status: str = "200 OK") -> StatusAndHeaders:
    headers = [("Content-Type", content_type)] if content_type else []
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def write_warc(path: Path, responses: list[tuple[str, str | None, bytes]]) -> dict[str, bytes]:
    """A WARC as a crawler writes it: warcinfo, then request, response and metadata per URL.
    Returns the payload of each response by URL."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test_readers"}))
        for url, content_type, payload in responses:
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")))
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http(content_type)))
            writer.write_record(writer.create_warc_record(url, "metadata", payload=io.BytesIO(b"via: test\n"), warc_content_type="application/warc-fields"))
    return {url: payload for url, _, payload in responses}


def news_warc(path: Path, count: int = 8) -> dict[str, bytes]:
    return write_warc(path, [(f"https://news{n}.example/story", "text/html; charset=utf-8", page(n)) for n in range(count)])


def members(path: Path) -> list[tuple[str, int, int]]:
    """(WARC-Type, offset, length) of every record of a good WARC file."""
    with path.open("rb") as handle:
        iterator = ArchiveIterator(handle)
        return [(record.rec_type, iterator.get_record_offset(), iterator.get_record_length()) for record in iterator]


def read(*paths: Path, **kwargs) -> tuple[list[Record], list[Failure]]:
    items = list(read_inputs([str(p) for p in paths], **kwargs))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Failure)]


def offset_of(key: str) -> int:
    return int(key.rsplit("@", 1)[1].rstrip("+"))


# -- damaged WARC files -------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["middle", "start"])
def test_a_corrupt_gzip_member_fails_its_record_and_the_unreadable_rest_not_garbage(tmp_path, where):
    path = tmp_path / "crawl.warc.gz"
    payloads = news_warc(path)
    size = path.stat().st_size
    # ~200 bytes flipped in the member a third of the way in: in its middle, or just after its gzip header
    _, start, length = next(m for m in members(path) if m[1] <= size // 3 < m[1] + m[2])
    at = start + (length // 2 if where == "middle" else 100)
    data = bytearray(path.read_bytes())
    data[at:at + 200] = bytes(b ^ 0x5A for b in data[at:at + 200])
    path.write_bytes(bytes(data))

    records, failures = read(path)

    rest = [f for f in failures if f.key.endswith("+")]
    assert len(rest) == 1 and "corrupt" in rest[0].reason
    skipped_to = int(rest[0].reason.split(f"from offset {start} to ")[1].split(",")[0])  # reading went on at the next intact member
    for record in records:  # what is read is exactly the page: no garbled payload passed off as fine
        assert record.content == payloads[record.url] and not start <= offset_of(record.key) < skipped_to
    assert len(records) >= len(payloads) - 1  # only a page inside the damaged member is lost, and that is reported
    if where == "middle":  # the damaged record itself is named, with warcio's decompression error
        damaged = [f for f in failures if f.key.endswith(f"@{start}")]
        assert len(damaged) == 1 and "Error -3 while decompressing data" in damaged[0].reason


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_truncated_last_record_is_a_failure_not_a_shorter_page(tmp_path, name):
    path = tmp_path / name
    payloads = news_warc(path, count=5)  # page 4, the last, is 436 KB: 20 KB off its end leaves its headers intact
    path.write_bytes(path.read_bytes()[:-20_000])

    records, failures = read(path)

    assert [r.content for r in records] == list(payloads.values())[:4]
    assert len(failures) == 1 and failures[0].reason.startswith("truncated WARC record:")
    assert failures[0].extra["url"] == "https://news4.example/story"


def test_a_payload_that_does_not_match_its_digest_is_a_failure(tmp_path):
    path = tmp_path / "crawl.warc"
    payloads = news_warc(path, count=3)
    data = path.read_bytes()
    at = data.index(page(1)[:200]) + 1000  # same length, other bytes: only the digest tells
    path.write_bytes(data[:at] + b"X" * 50 + data[at + 50:])

    records, failures = read(path)

    assert [r.url for r in records] == ["https://news0.example/story", "https://news2.example/story"]
    assert all(r.content == payloads[r.url] for r in records)
    assert len(failures) == 1 and "digest mismatch" in failures[0].reason and failures[0].extra["url"] == "https://news1.example/story"


def test_a_corrupt_warc_through_the_cli_exits_1_and_accounts_for_every_record(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    news_warc(path, count=4)
    _, start, length = [m for m in members(path) if m[0] == "response"][2]
    data = bytearray(path.read_bytes())
    data[start + length // 2:start + length // 2 + 200] = bytes(200)
    path.write_bytes(bytes(data))
    out = tmp_path / "out.jsonl"

    done = subprocess.run([sys.executable, "-m", "declutter", "clean", str(path), "-o", str(out), "-q"], capture_output=True)

    assert done.returncode == 1, done.stderr.decode()
    written = [json.loads(line)["url"] for line in out.read_text().splitlines()]
    assert written == [f"https://news{n}.example/story" for n in (0, 1, 3)]  # the fourth page, after the damage, too
    errors = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert [e["key"].rsplit("@", 1)[1] for e in errors] == [str(start), f"{start}+"]
    assert f"from offset {start} to {start + length}," in errors[1]["reason"]  # the next member, the metadata record


@pytest.mark.parametrize("output", ["out.jsonl", "out"])
def test_a_warc_page_that_fails_to_clean_keeps_its_url_in_the_report(tmp_path, output):
    """A page read but not cleaned (binary payload without its Content-Encoding) lost its URL."""
    path = tmp_path / "crawl.warc"
    path.write_bytes(raw_record("http://a.example/gz", http_block(gzip.compress(HARBOUR * 4))) + raw_record("http://a.example/ok", http_block(HARBOUR)))

    done = subprocess.run([sys.executable, "-m", "declutter", "clean", str(path), "-o", str(tmp_path / output), "-q"], capture_output=True)

    assert done.returncode == 1, done.stderr.decode()
    errors = [json.loads(line) for line in (tmp_path / f"{output}.errors.jsonl").read_text().splitlines()]
    assert [(e["url"], e["reason"].split(":")[0]) for e in errors] == [("http://a.example/gz", "DecodeError")]


def test_common_crawl_wet_files_are_read_record_by_record(tmp_path):
    """A WET file (CC-MAIN-….warc.wet.gz: warcinfo, then one `conversion` record of extracted text
    per page) was one document of all its headers and records, or, named .warc.gz, no record at all."""
    texts = {f"https://news{i}.example/story": f"Story {i}. The council voted on Tuesday to extend the harbour wall.\nWork starts in spring." for i in range(3)}
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    path = crawl / "CC-MAIN-20260101-00000.warc.wet.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test_readers"}))
        for url, text in texts.items():
            writer.write_record(writer.create_warc_record(url, "conversion", payload=io.BytesIO(text.encode()), warc_content_type="text/plain"))

    for where in (path, crawl):
        found, failures = read(where)
        assert [(r.url, r.content.decode(), r.format) for r in found] == [(url, text, "text") for url, text in texts.items()] and not failures


# -- which WARC records are pages ---------------------------------------------------------------
def test_only_html_and_text_responses_and_resources_are_records_and_the_rest_is_accounted_for(tmp_path):
    path = tmp_path / "mixed.warc.gz"
    html, text = page(0), b"The council voted on Tuesday to extend the harbour wall.\n"
    write_warc(path, [
        ("https://a.example/page", "text/html; charset=utf-8", html),
        ("https://a.example/page.xhtml", "application/xhtml+xml", html),
        ("https://a.example/notes.txt", "text/plain", text),
        ("https://a.example/no-type", None, html),
        ("https://a.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20),
        ("https://a.example/report.pdf", "application/pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"),
        ("https://a.example/app.js", "application/javascript", b"document.title = 'Council votes';\n"),
        ("https://a.example/site.css", "TEXT/CSS", b"body { margin: 0 }\n"),
        ("https://a.example/api", "application/json", json.dumps({"title": "Council votes"}).encode()),
    ])
    with path.open("ab") as handle:  # wget-style resource records, and a revisit that holds no document
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warc_record("https://a.example/saved.html", "resource", payload=io.BytesIO(page(1)), warc_content_type="text/html"))
        writer.write_record(writer.create_warc_record("https://a.example/photo.jpg", "resource", payload=io.BytesIO(b"\xff\xd8\xff\xe0" + bytes(4000)), warc_content_type="image/jpeg"))
        writer.write_record(writer.create_revisit_record("https://a.example/page", digest="sha1:AAAA", refers_to_uri="https://a.example/page", refers_to_date="2024-01-01T00:00:00Z", http_headers=http("text/html")))
        for url, status, body in [  # a redirect's stub and error pages are not the page asked for
            ("https://a.example/old", "301 Moved Permanently", b"<html><body><h1>Moved Permanently</h1><p>The document has moved.</p></body></html>"),
            ("https://a.example/gone", "404 Not Found", b"<html><body><h1>Page not found</h1><p>Try the search.</p></body></html>"),
            ("https://a.example/broken", "500 Internal Server Error", b"<html><body><p>Something went wrong.</p></body></html>"),
            ("https://a.example/mirror", "203 Non-Authoritative Information", page(2)),
            ("https://a.example/continued", "100 Continue", page(3)),  # an interim status: the final one follows in the block
        ]:
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http("text/html", status)))

    records, failures = read(path)

    assert {(r.url, r.format) for r in records} == {
        ("https://a.example/page", "html"), ("https://a.example/page.xhtml", "html"), ("https://a.example/notes.txt", "text"),
        ("https://a.example/no-type", "auto"), ("https://a.example/saved.html", "html"), ("https://a.example/mirror", "html"),
        ("https://a.example/continued", "html"),
    }
    assert {r.url: r.content for r in records}["https://a.example/saved.html"] == page(1)
    reasons = {f.extra["url"]: f.reason for f in failures}
    assert set(reasons) == {f"https://a.example/{name}" for name in ("logo.png", "report.pdf", "app.js", "site.css", "api", "photo.jpg", "old", "gone", "broken")}
    assert all(reason.startswith("not a page:") for reason in reasons.values())
    assert "image/png" in reasons["https://a.example/logo.png"] and "text/css" in reasons["https://a.example/site.css"]
    assert reasons["https://a.example/gone"] == "not a page: HTTP status 404 Not Found" and "301 Moved" in reasons["https://a.example/old"]


def bare_response(url: str, content_type: str, block: bytes, tamper: bool = False) -> bytes:
    """A response record whose block is the page itself, without HTTP status line and headers
    (as some crawlers write them), with its block and payload digests; ``tamper`` changes one
    byte of the block after the digests are taken."""
    digest = "sha1:" + base64.b32encode(hashlib.sha1(block).digest()).decode()
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        f"WARC-Date: 2024-05-01T10:00:00Z\r\nWARC-Target-URI: {url}\r\nContent-Type: {content_type}\r\n"
        f"WARC-Block-Digest: {digest}\r\nWARC-Payload-Digest: {digest}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    if tamper:
        block = block[:-20] + bytes([block[-20] ^ 1]) + block[-19:]
    return head + block + b"\r\n\r\n"


@pytest.mark.parametrize("name", ["bare.warc", "bare.warc.gz"])
def test_a_response_whose_block_has_no_http_headers_is_read_whole(tmp_path, name):
    # warcio takes a page's lines up to the first blank one as a status line and headers: the
    # story's first lines were lost, and a page minified into one line had no payload at all
    minified = b"<html><body><h1>Harbour wall extended</h1><p>The council voted on Tuesday to extend the harbour wall by forty metres.</p></body></html>"
    pages = [
        ("https://bare.example/story", "text/html; charset=windows-1252", page(0)),
        ("https://bare.example/minified", "text/html", minified),
        ("https://bare.example/notes", "text/plain", b"First line of the notes.\nSecond line.\n\nThird after a blank line.\n"),
    ]
    records = [bare_response(*p) for p in pages]
    path = tmp_path / name
    path.write_bytes(b"".join(gzip.compress(r) for r in records) if name.endswith(".gz") else b"".join(records))

    found, failures = read(path)

    assert failures == []
    assert [(r.url, r.content, r.format, r.charset) for r in found] == [
        ("https://bare.example/story", page(0), "html", "windows-1252"),
        ("https://bare.example/minified", minified, "html", None),
        ("https://bare.example/notes", pages[2][2], "text", None),
    ]


def test_a_damaged_response_without_http_headers_fails_its_digest_and_the_next_is_read(tmp_path):
    path = tmp_path / "bare.warc.gz"
    path.write_bytes(
        gzip.compress(bare_response("https://bare.example/a", "text/html", page(0), tamper=True))
        + gzip.compress(bare_response("https://bare.example/b", "text/html", page(1)))
    )

    found, failures = read(path)

    assert [r.url for r in found] == ["https://bare.example/b"] and found[0].content == page(1)
    assert len(failures) == 1 and "digest mismatch" in failures[0].reason and failures[0].extra["url"] == "https://bare.example/a"


def raw_record(url: str, block: bytes, content_type: str | None = "application/http; msgtype=response", length: bool = True) -> bytes:
    """A WARC response written byte by byte (warcio's writer refuses the faulty ones)."""
    head = f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\nWARC-Date: 2024-05-01T10:00:00Z\r\nWARC-Target-URI: {url}\r\n"
    head += (f"Content-Type: {content_type}\r\n" if content_type else "") + (f"Content-Length: {len(block)}\r\n" if length else "")
    return head.encode() + b"\r\n" + block + b"\r\n\r\n"


def http_block(payload: bytes, *headers: str) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + "".join(f"{h}\r\n" for h in headers).encode() + b"\r\n" + payload


HARBOUR = b"<html><body><article><h1>Harbour wall extended</h1><p>The council voted on Tuesday to extend the harbour wall by forty metres.</p>\n\n<p>Work starts in spring.</p></article></body></html>"


def test_a_payload_that_cannot_be_decoded_fails_alone_and_the_file_reads_on(tmp_path):
    """Brotli (warcio's decoder breaks on brotli 1.2), a gzip payload cut short (read as good text,
    cut mid-sentence), 'Transfer-Encoding: Chunked' (chunk sizes inside words), a response with
    neither HTTP headers nor a WARC Content-Type (its headline lost), an unparseable URL."""
    gzipped = gzip.compress(HARBOUR)
    records = [
        raw_record("http://a.example/br", http_block(b"\x1b\x03\x00\xf8\xff\x7f" * 20, "Content-Encoding: br")),
        raw_record("http://a.example/cut", http_block(gzipped[: len(gzipped) // 2], "Content-Encoding: gzip")),
        raw_record("http://a.example/chunked", http_block(b"%x\r\n%s\r\n0\r\n\r\n" % (len(HARBOUR), HARBOUR), "Transfer-Encoding: Chunked")),
        raw_record("http://a.example/x-gzip", http_block(gzipped, "Content-Encoding: x-gzip")),
        raw_record("http://a.example/bare", HARBOUR, content_type=None),
        raw_record("http://[a.example/url", http_block(HARBOUR)),
        raw_record("http://a.example/last", http_block(HARBOUR)),
    ]
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"".join(records))

    found, failures = read(path)

    assert [(r.url, r.content) for r in found] == [
        ("http://a.example/chunked", HARBOUR), ("http://a.example/x-gzip", HARBOUR), ("http://a.example/bare", HARBOUR),
        ("http://[a.example/url", HARBOUR), ("http://a.example/last", HARBOUR),
    ]
    assert [(f.extra["url"], f.reason.split(":")[0]) for f in failures] == [
        ("http://a.example/br", "unreadable WARC payload"), ("http://a.example/cut", "truncated WARC payload"),
    ]


def test_a_record_without_content_length_in_an_uncompressed_warc_is_a_failure_and_the_next_are_read(tmp_path):
    """warcio reads it to the end of the file: the records after it were inside its text, unreported,
    then lost with it."""
    path = tmp_path / "crawl.warc"
    path.write_bytes(raw_record("http://a.example/1", http_block(HARBOUR)) + raw_record("http://a.example/2", http_block(HARBOUR), length=False)
                     + raw_record("http://a.example/3", http_block(HARBOUR)) + raw_record("http://a.example/4", http_block(HARBOUR)))

    found, failures = read(path)

    assert [r.url for r in found] == ["http://a.example/1", "http://a.example/3", "http://a.example/4"]
    assert [(f.extra["url"], f.reason.split(":")[0]) for f in failures] == [("http://a.example/2", "WARC record without Content-Length")]


MENTIONS_WARC = HARBOUR.replace(b"Work starts in spring.", b"The archive is kept in the WARC/1.0 format.")


@pytest.mark.parametrize("story, over", [(HARBOUR, 10 ** 9), (HARBOUR, 60), (MENTIONS_WARC, -30)])
def test_a_wrong_content_length_in_an_uncompressed_warc_fails_its_record_alone(tmp_path, story, over):
    """One overstated Content-Length swallowed every record after it, and only its own was
    reported; one that ends inside the next record lost that one; a story's words "WARC/1.0
    format" were taken for a record glued inside it (a second failure, where nothing was lost)."""
    records = [raw_record(f"http://a.example/{i}", http_block(story)) for i in range(5)]
    length = len(http_block(story))
    records[1] = records[1].replace(f"Content-Length: {length}".encode(), f"Content-Length: {length + over}".encode(), 1)
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"".join(records))

    found, failures = read(path)

    assert [r.url for r in found] == ["http://a.example/0", "http://a.example/2", "http://a.example/3", "http://a.example/4"]
    assert [f.extra.get("url") for f in failures] == ["http://a.example/1"]


@pytest.mark.parametrize("gap", [b"\n", b"\r\n\r\n", b"garbage line\n"])
def test_a_stray_line_between_gzip_members_loses_no_record(tmp_path, gap):
    """warcio read the line as a record without type or length, which swallowed the rest of the
    file: 5 of 12 pages read, no failure, exit 0. Blank bytes lose nothing; others are reported."""
    path = tmp_path / "crawl.warc.gz"
    payloads = news_warc(path, count=4)
    data = path.read_bytes()
    cut = members(path)[6][1]  # before the second page's request
    path.write_bytes(data[:cut] + gap + data[cut:])

    found, failures = read(path)

    assert [r.content for r in found] == list(payloads.values())
    if gap.strip():
        assert len(failures) == 1 and f"from offset {cut} to {cut + len(gap)}," in failures[0].reason
    else:
        assert failures == []


def test_a_warc_gzipped_as_one_stream_is_read_whole(tmp_path):
    """`gzip crawl.warc` makes one gzip stream, not one member per record: warcio read the first
    record and stopped ("non-chunked gzip file detected"), the rest lost."""
    plain = tmp_path / "crawl.warc"
    payloads = news_warc(plain, count=4)
    bare = bare_response("https://bare.example/story", "text/html", page(5))  # re-read at its offset, in the gunzipped stream
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes() + bare))

    found, failures = read(path)

    assert failures == []
    assert [(r.url, r.content) for r in found] == [*payloads.items(), ("https://bare.example/story", page(5))]
    assert len({r.key for r in found}) == 5


def test_reading_goes_on_at_the_next_intact_record_of_a_plain_warc(tmp_path):
    records = [raw_record(f"http://a.example/{i}", http_block(HARBOUR)) for i in range(4)]
    damaged = records[1].replace(b"WARC/1.0\r\n", b"WXRC/1.0\r\n")
    path = tmp_path / "crawl.warc"
    path.write_bytes(records[0] + damaged + records[2] + records[3])

    found, failures = read(path)

    assert [r.url for r in found] == ["http://a.example/0", "http://a.example/2", "http://a.example/3"]
    start = len(records[0])
    assert [f.key for f in failures] == [f"{path}@{start}+"]
    assert f"from offset {start} to {start + len(damaged)}," in failures[0].reason


def test_brotli_payloads_are_decoded_and_a_cut_one_fails(tmp_path):
    """warcio's brotli reader breaks on brotli 1.2: every br page failed, good ones included."""
    import brotli

    packed = brotli.compress(HARBOUR)
    path = tmp_path / "crawl.warc"
    path.write_bytes(
        raw_record("http://a.example/br", http_block(packed, "Content-Encoding: br"))
        + raw_record("http://a.example/cut", http_block(packed[: len(packed) // 2], "Content-Encoding: br"))
        + raw_record("http://a.example/last", http_block(HARBOUR))
    )

    found, failures = read(path)
    too_large, _ = read(path, max_bytes=100)

    assert [(r.url, r.content) for r in found] == [("http://a.example/br", HARBOUR), ("http://a.example/last", HARBOUR)]
    assert [(f.extra["url"], f.reason) for f in failures] == [("http://a.example/cut", "truncated WARC payload: its Content-Encoding br data ends early")]
    assert too_large == []


def test_an_empty_compressed_body_is_no_damage(tmp_path):
    """An empty zlib stream never reaches its end: a 301 with 'Content-Encoding: gzip' and no body
    was reported as a truncated payload instead of as a redirect."""
    redirect = b"HTTP/1.1 301 Moved Permanently\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nLocation: /b\r\n\r\n"
    path = tmp_path / "crawl.warc"
    path.write_bytes(raw_record("http://a.example/a", redirect) + raw_record("http://a.example/e", http_block(b"", "Content-Encoding: gzip")))

    _, failures = read(path)

    assert [f.reason for f in failures] == ["not a page: HTTP status 301 Moved Permanently", "WARC response record without payload"]


def test_resync_inside_a_member_of_several_records_ends(tmp_path):
    """A member holding a record and then bytes that are no record: warcio's offset of the loss
    lay before the restart point, and reading restarted there again and again, forever."""
    records = [raw_record(f"http://a.example/{i}", http_block(HARBOUR)) for i in range(4)]
    damaged = bytearray(gzip.compress(records[1]))
    damaged[30:60] = bytes(b ^ 0x55 for b in damaged[30:60])
    members = [gzip.compress(records[0]), bytes(damaged), gzip.compress(records[2] + b"not a WARC record\r\n\r\n" * 20), gzip.compress(records[3])]
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join(members))

    items = list(itertools.islice(read_inputs([str(path)]), 20))

    assert [i.url for i in items if isinstance(i, Record)] == ["http://a.example/0", "http://a.example/2", "http://a.example/3"]
    keys = [i.key for i in items]
    assert len(keys) == len(set(keys)) == 5  # three pages and two skipped stretches, each once


def test_a_warc_gzipped_as_one_stream_and_cut_short_reports_the_rest(tmp_path):
    plain = tmp_path / "crawl.warc"
    payloads = news_warc(plain, count=6)
    whole = gzip.compress(plain.read_bytes())
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])

    found, failures = read(path)

    assert 0 < len(found) < len(payloads) and all(r.content == payloads[r.url] for r in found)
    assert len(failures) >= 1 and "could not be read from offset" in failures[-1].reason and "on, any records there are lost" in failures[-1].reason


@pytest.mark.parametrize("gzipped", ["members", "whole", "plain"])
def test_a_file_cut_inside_a_records_warc_headers_reports_the_cut(tmp_path, gzipped):
    """warcio takes the end of a record's headers, or gzip's EOFError, for the end of the file: the
    cut record (a common truncated download) vanished without a word, exit 0."""
    records = [raw_record(f"http://a.example/{i}", http_block(HARBOUR)) for i in range(4)]
    cut = len(records[3]) // 4  # inside the last record's WARC headers
    if gzipped == "members":
        data = b"".join(gzip.compress(r) for r in records[:3]) + gzip.compress(records[3])[:40]
    elif gzipped == "whole":
        data = gzip.compress(b"".join(records))
        data = data[: len(data) - 60]  # the gzip stream ends inside the last record
    else:
        data = b"".join(records[:3]) + records[3][:cut]
    path = tmp_path / ("crawl.warc" if gzipped == "plain" else "crawl.warc.gz")
    path.write_bytes(data)

    found, failures = read(path)

    urls = [f"http://a.example/{i}" for i in range(4)]
    if gzipped == "plain":  # the loss starts at the cut record, after the blank lines that end the one before
        assert failures and failures[0].key == f"{path}@{len(b''.join(records[:3]))}+"
    if gzipped == "whole":  # the last bytes of a deflate stream of repeated records can hold more than one record
        assert 1 <= len(found) < 4 and [r.url for r in found] == urls[: len(found)]
    else:
        assert [r.url for r in found] == urls[:3]
    assert len(failures) == 1 and "any records there are lost" in failures[0].reason


@pytest.mark.parametrize("cut", [8, 20, 40, 120, 300])
def test_a_plain_warc_cut_anywhere_in_a_records_headers_is_one_failure(tmp_path, cut):
    """Cut before "WARC-Type" was whole, warcio gave a typeless record to the end of the file and
    it vanished (exit 0); cut after it, the loss was reported twice, once over blank lines."""
    records = [raw_record(f"http://a.example/{i}", http_block(HARBOUR)) for i in range(2)]
    path = tmp_path / "crawl.warc"
    path.write_bytes(records[0] + records[1][:cut])

    found, failures = read(path)

    assert [r.url for r in found] == ["http://a.example/0"]
    assert len(failures) == 1 and failures[0].key.startswith(f"{path}@{len(records[0])}")


def test_empty_gzip_members_at_the_end_are_no_loss(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(raw_record("http://a.example/0", http_block(HARBOUR))) + gzip.compress(b"") + gzip.compress(b"\r\n"))
    found, failures = read(path)
    assert [r.url for r in found] == ["http://a.example/0"] and failures == []
    (tmp_path / "empty.warc.gz").write_bytes(gzip.compress(b""))  # `: > e.warc; gzip e.warc`
    assert read(tmp_path / "empty.warc.gz") == ([], [])


def test_resync_does_not_read_a_record_twice(tmp_path):
    """After damage across the end of a member of two records, reading restarted before records
    already read (warcio's offset of the loss there is negative): one page was written twice and
    another failed three times."""
    def response(i: int) -> bytes:
        paragraphs = "".join(f"<p>Paragraph {j} of story {i}: the council met on Tuesday to discuss the budget for the coming year in detail.</p>" for j in range(3))
        body = (f"<html><head><title>Story {i}</title></head><body><nav><a href='/'>Home</a></nav><article><h1>Story {i}</h1>{paragraphs}"
                "</article><footer>All rights reserved.</footer></body></html>").encode()
        block = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:id:{i}>\r\nWARC-Target-URI: http://a.example/{i}\r\n"
                f"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n")
        return head.encode() + block + b"\r\n\r\n"

    records = [response(i) for i in range(7)]
    data = gzip.compress(records[0], mtime=0) + gzip.compress(records[1], mtime=0) + gzip.compress(records[2] + records[3], mtime=0)
    damaged_end = len(data)
    data += gzip.compress(records[4], mtime=0) + gzip.compress(records[5] + records[6], mtime=0)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data[: damaged_end - 150] + data[damaged_end + 64 :])

    items = list(itertools.islice(read_inputs([str(path)]), 30))

    keys = [i.key for i in items]
    assert len(keys) == len(set(keys)) < 12
    urls = [i.url for i in items if isinstance(i, Record)]
    assert len(urls) == len(set(urls)) and {"http://a.example/0", "http://a.example/1"} <= set(urls)
    assert not any(i.key.endswith("@0+") for i in items)  # the first page was read: no loss reported over it


def test_a_bare_page_without_content_length_is_a_failure_not_the_rest_of_the_file(tmp_path):
    path = tmp_path / "crawl.warc"
    path.write_bytes(raw_record("http://a.example/1", http_block(HARBOUR)) + raw_record("http://a.example/bare", HARBOUR, content_type="text/html", length=False)
                     + raw_record("http://a.example/3", http_block(HARBOUR)))

    found, failures = read(path)

    assert [r.url for r in found] == ["http://a.example/1", "http://a.example/3"]
    assert [(f.extra["url"], f.reason.split(":")[0]) for f in failures] == [("http://a.example/bare", "WARC record without Content-Length")]


def test_a_fifo_inside_a_directory_is_a_failure_not_a_hang(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("The council voted on Tuesday to extend the harbour wall.\n")
    os.mkfifo(pages / "b.txt")
    out = tmp_path / "out.jsonl"

    done = subprocess.run([sys.executable, "-m", "declutter", "clean", str(pages), "-o", str(out), "-q"], capture_output=True, timeout=120)

    assert done.returncode == 1, done.stderr.decode()
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [str(pages / "a.txt")]
    error = json.loads((tmp_path / "out.jsonl.errors.jsonl").read_text())
    assert (error["id"], error["reason"]) == (str(pages / "b.txt"), "not read: not a regular file (a FIFO, socket or device)")


# -- directories --------------------------------------------------------------------------------
def tree_page(path: Path, n: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(page(n))
    return path


def test_a_symlinked_directory_is_followed(tmp_path):
    tree_page(tmp_path / "in" / "local" / "a.html", 0)
    tree_page(tmp_path / "elsewhere" / "b.html", 1)
    (tmp_path / "in" / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    records, failures = read(tmp_path / "in")

    assert failures == []
    assert {r.relative: r.content for r in records} == {"linked/b.html": page(1), "local/a.html": page(0)}


def test_a_symlink_loop_and_a_second_link_end_as_failures_each_page_read_once(tmp_path):
    root = tmp_path / "in"
    tree_page(root / "news" / "a.html", 0)
    tree_page(tmp_path / "shared" / "b.html", 1)
    (root / "news" / "loop").symlink_to(root, target_is_directory=True)
    (root / "one").symlink_to(tmp_path / "shared", target_is_directory=True)
    (root / "two").symlink_to(tmp_path / "shared", target_is_directory=True)

    records, failures = read(root)

    assert sorted(r.relative for r in records) == ["news/a.html", "one/b.html"]
    assert {Path(f.key).relative_to(root).as_posix(): f.reason for f in failures} == {
        "news/loop": f"not read again: the directory already read as {root} (a symlink loop or a second link)",
        "two": f"not read again: the directory already read as {root / 'one'} (a symlink loop or a second link)",
    }


def test_a_directory_that_cannot_be_listed_is_a_failure(tmp_path):
    """os.walk reports it only to ``onerror``. A directory removed while the walk runs (a crawler
    cleaning up) is one that cannot be listed whoever runs the tests, root included."""
    root = tmp_path / "in"
    tree_page(root / "a.html", 0)
    tree_page(root / "gone" / "b.html", 1)
    tree_page(root / "kept" / "c.html", 2)
    items = read_inputs([str(root)])

    first = next(items)
    (root / "gone" / "b.html").unlink()
    (root / "gone").rmdir()
    rest = list(items)

    assert first.relative == "a.html"
    assert [(type(i).__name__, i.key) for i in rest] == [("Failure", str(root / "gone")), ("Record", str(root / "kept" / "c.html"))]
    assert rest[0].reason.startswith("unreadable directory: No such file or directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists a directory whatever its mode")
def test_a_directory_without_permissions_is_a_failure(tmp_path):
    root = tmp_path / "in"
    tree_page(root / "closed" / "a.html", 0)
    (root / "closed").chmod(0)
    try:
        records, failures = read(root)
    finally:
        (root / "closed").chmod(0o755)
    assert records == [] and [(f.key, f.reason) for f in failures] == [(str(root / "closed"), "unreadable directory: Permission denied")]


# -- JSONL --------------------------------------------------------------------------------------
@pytest.mark.parametrize("line, field", [
    (r'{"id": "a", "text": "abc \ud800 def"}', "text"),
    (r'{"id": "a\udfff", "text": "abc"}', "id"),
    (r'{"id": "a", "text": "abc", "url": "https://x.example/\udc80"}', "url"),
    (r'{"id": "a", "text": "abc", "meta": {"tags": ["ok", "\ud83d"]}}', "meta"),
])
def test_a_jsonl_field_with_a_lone_surrogate_is_a_failure(tmp_path, line, field):
    path = tmp_path / "in.jsonl"
    path.write_text(line + "\n" + r'{"id": "b", "text": "A smile \ud83d\ude00 stays."}' + "\n", encoding="utf-8")

    records, failures = read(path)

    assert [(r.id, r.content) for r in records] == [("b", "A smile \U0001F600 stays.")]
    assert len(failures) == 1 and failures[0].reason == f"invalid Unicode: lone surrogate in field {field!r}"
    json.dumps(failures[0].to_dict(), ensure_ascii=False).encode("utf-8")  # the error report can be written


def test_a_jsonl_file_with_lone_surrogates_through_the_cli_does_not_crash(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(r'{"id": "a\ud800", "text": "abc \ud800 def"}' + "\n" + json.dumps({"id": "b", "text": "A line of text."}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"

    done = subprocess.run([sys.executable, "-m", "declutter", "clean", str(path), "-o", str(out), "-q"], capture_output=True)

    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr.decode()
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["b"]
    error = json.loads((tmp_path / "out.jsonl.errors.jsonl").read_text())
    assert error["id"] == "a\\ud800" and error["reason"] == "invalid Unicode: lone surrogate in field 'id'"


def test_jsonl_lines_that_crashed_the_batch_are_failures_of_their_own(tmp_path):
    """A value nested 1,500 deep (RecursionError), a surrogate written as UTF-8 bytes (json.loads
    of bytes let it through: the directory output then crashed) and an unparseable URL (urlsplit's
    ValueError) each stopped the whole batch."""
    good = json.dumps({"id": "ok", "text": "The council voted on Tuesday to extend the harbour wall."}).encode()
    lines = [
        b'{"id": "deep", "text": "x", "meta": ' + b"[" * 1500 + b"]" * 1500 + b"}",
        b'{"id": "surrogate", "text": "Harb\xed\xa0\x80our wall"}',
        b'{"id": "url", "text": "The harbour wall was extended.", "url": "http://[a.example/2"}',
        good,
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    records, failures = read(path)

    assert [(r.id, r.site) for r in records] == [("url", None), ("ok", None)]
    assert [(f.key.rsplit("#", 1)[1], f.reason.split(":")[0]) for f in failures] == [
        ("1", "malformed JSON on line 1"), ("2", "line 2 is not valid UTF-8"),
    ]
    out = tmp_path / "tree"
    done = subprocess.run([sys.executable, "-m", "declutter", "clean", str(path), "-o", str(out), "-q"], capture_output=True)
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr.decode()
    assert len(list(out.rglob("*.txt"))) == 2


def test_a_jsonl_file_that_starts_with_a_bom_is_read(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": "The harbour wall was extended."}).encode() + b"\n")
    records, failures = read(path)
    assert [r.id for r in records] == ["a"] and failures == []
    (tmp_path / "empty.jsonl").write_bytes(b"\xef\xbb\xbf\n")  # an empty file saved with a BOM holds no record
    assert read(tmp_path / "empty.jsonl") == ([], [])


def test_jsonl_ids_that_are_not_strings_are_written_as_json(tmp_path):
    """They became Python text ("None", "{'n': 1}") in file names and reports."""
    path = tmp_path / "in.jsonl"
    lines = [{"id": None}, {"id": 7}, {"id": {"n": 1, "site": "ü"}}, {"id": [1, 2]}, {}]
    path.write_text("".join(json.dumps({**line, "text": "The harbour wall was extended."}) + "\n" for line in lines), encoding="utf-8")

    records, _ = read(path)

    assert [r.id for r in records] == [f"{path}#1", "7", '{"n": 1, "site": "ü"}', "[1, 2]", f"{path}#5"]


def test_a_null_document_field_is_null_not_missing(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": null}\n{"id": "b", "html": "<p>x</p>"}\n'
                    '{"id": "c", "paragraphs": [{"text": "x", "label": "article"}]}\n', encoding="utf-8")

    _, failures = read(path)

    assert [f.reason for f in failures] == [
        "field 'text' is null", "field 'text' missing (the record has 'html': --html-field html reads it)",
        "field 'text' missing (the record holds labelled 'paragraphs', the training format: `declutter evaluate` scores such files)",
    ]


# -- max_bytes ----------------------------------------------------------------------------------
def test_a_gzip_bomb_is_refused_after_max_bytes_without_being_read(tmp_path):
    bomb = tmp_path / "in" / "bomb.txt.gz"
    bomb.parent.mkdir()
    bomb.write_bytes(gzip.compress(b" " * 200_000_000, compresslevel=1))
    tree_page(tmp_path / "in" / "page.html", 0)

    tracemalloc.start()
    try:
        records, failures = read(tmp_path / "in", max_bytes=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 20_000_000  # 200 MB unpacked would be 200 MB in memory
    assert [r.content for r in records] == [page(0)]
    assert [(f.key, f.reason) for f in failures] == [(str(bomb), "DocumentTooLarge: document of more than 1,000,000 bytes is over the limit (max_bytes, --max-bytes)")]


def test_max_bytes_applies_to_each_warc_payload_and_a_document_of_exactly_max_bytes_is_read(tmp_path):
    path = tmp_path / "crawl.warc"
    payloads = news_warc(path, count=4)
    limit = len(page(1))

    records, failures = read(path, max_bytes=limit)

    assert [r.content for r in records] == [payloads[f"https://news{n}.example/story"] for n in (0, 1, 2)]
    assert [f.extra["url"] for f in failures] == ["https://news3.example/story"]  # 436 KB, over the 342 KB of page 1
    assert failures[0].reason.startswith("DocumentTooLarge: document of more than")
    assert read(path)[1] == []  # no limit by default


def test_a_jsonl_file_is_read_as_before(tmp_path):
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps({"doc": 7, "page": page(0).decode("utf-8"), "link": "https://www.a.example/x"}).encode() + b"\n"))

    records, failures = read(path, fields=JsonlFields(id="doc", text=None, html="page", url="link"))

    assert failures == [] and [(r.id, r.format, r.site) for r in records] == [("7", "html", "a.example")]


def test_a_jsonl_line_far_over_max_bytes_fails_without_being_held_and_the_next_lines_are_read(tmp_path):
    """One line of a .jsonl.gz can decompress to gigabytes: it is read in bounded pieces and
    skipped, as a whole file over --max-bytes is."""
    data = tmp_path / "crawl.jsonl.gz"
    story = page(1).decode("utf-8", "replace")
    with gzip.open(data, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "before", "text": story}) + "\n")
        handle.write(json.dumps({"id": "huge", "text": "y" * 50_000_000}) + "\n")
        handle.write(json.dumps({"id": "after", "text": story}) + "\n")
    tracemalloc.start()
    records, failures = read(data, max_bytes=1_000_000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [r.id for r in records] == ["before", "after"]
    assert [f.key for f in failures] == [f"{data}#2"] and "longer than 8,000,000 bytes" in failures[0].reason
    assert peak < 45_000_000  # the 50 MB line whole, and parsed, would be twice that


def test_jsonl_lines_with_nan_or_infinity_fail_alone(tmp_path):
    """Python's json reads them, and they passed into the output JSONL, which strict readers
    (Spark, jq) then could not read."""
    path = tmp_path / "in.jsonl"
    text = "The council voted on Tuesday to extend the harbour wall by forty metres."
    path.write_text(
        f'{{"id": "nan", "text": "{text}", "score": NaN}}\n{{"id": "inf", "text": "{text}", "score": -Infinity}}\n'
        f'{{"id": "big", "text": "{text}", "score": 1e999}}\n{{"id": "ok", "text": "{text}", "score": 0.5}}\n', encoding="utf-8",
    )
    records, failures = read(path)
    assert [r.id for r in records] == ["ok"]
    assert [f.reason for f in failures] == [
        "malformed JSON on line 1: NaN is not JSON", "malformed JSON on line 2: -Infinity is not JSON",
        "malformed JSON on line 3: 1e999 is too large a number to write back as JSON",  # read as inf, written as Infinity
    ]
    out = tmp_path / "out.jsonl"
    done = subprocess.run([sys.executable, "-m", "declutter", "clean", str(path), "-o", str(out), "-q"], capture_output=True)
    assert done.returncode == 1, done.stderr.decode()

    def strict(constant):
        raise AssertionError(f"{constant} in the output")

    assert [json.loads(line, parse_constant=strict)["id"] for line in out.read_text().splitlines()] == ["ok"]


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_jsonl_and_text_files_compressed_four_ways_are_read_and_a_cut_one_fails(tmp_path, suffix):
    """Corpora come as .jsonl.zst, .jsonl.xz, .jsonl.bz2: each was one document of "binary data"."""
    import bz2
    import lzma

    import zstandard

    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress, ".zst": zstandard.ZstdCompressor().compress}[suffix]
    lines = "".join(json.dumps({"id": f"r{i}", "text": f"Story {i}. The harbour wall was extended."}) + "\n" for i in range(50))
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / f"c.jsonl{suffix}").write_bytes(compress(lines.encode()))
    (crawl / f"page.html{suffix}").write_bytes(compress(HARBOUR))
    cut = tmp_path / f"cut.jsonl{suffix}"
    cut.write_bytes(compress(lines.encode())[:-30])

    found, failures = read(crawl)
    assert [r.id for r in found] == [f"r{i}" for i in range(50)] + [str(crawl / f"page.html{suffix}")] and not failures
    assert found[-1].content == HARBOUR and found[-1].format == "html"

    found, failures = read(cut)
    assert len(failures) == 1 and "corrupt data" in failures[0].reason, failures
    assert [r.id for r in found] == [f"r{i}" for i in range(len(found))]  # what came before the cut, nothing garbled


@pytest.mark.parametrize("suffix", [".bz2", ".xz", ".zst"])
def test_a_warc_compressed_otherwise_than_gzip_fails_instead_of_being_one_text(tmp_path, suffix):
    """Named .warc.zst, it was decompressed and cleaned as one document of WARC headers, exit 0."""
    import bz2
    import lzma

    import zstandard

    compress = {".bz2": bz2.compress, ".xz": lzma.compress, ".zst": zstandard.ZstdCompressor().compress}[suffix]
    path = tmp_path / f"crawl.warc{suffix}"
    path.write_bytes(compress(raw_record("http://a.example/1", http_block(HARBOUR))))
    found, failures = read(path)
    assert found == [] and [f.reason.split(":")[0] for f in failures] == ["a WARC file is read uncompressed or gzipped (.warc, .warc.gz)"]


def test_a_record_glued_to_one_without_its_blank_line_is_reported_and_leading_blanks_lose_nothing(tmp_path):
    """A record not followed by its blank line: the next, glued to its text ("</html>WARC/1.0"), was
    skipped without a word. One line end before a plain file's first record lost that record."""
    records = [raw_record(f"http://a.example/{i}", http_block(HARBOUR)) for i in range(4)]
    glued = tmp_path / "glued.warc"
    glued.write_bytes(records[0] + records[1][:-4] + records[2] + records[3])
    found, failures = read(glued)
    assert len(found) + len(failures) >= 4 and any(f.key.endswith("+") for f in failures)  # the lost range is named
    assert "http://a.example/3" in [r.url for r in found]

    lead = tmp_path / "lead.warc"
    lead.write_bytes(b"\n" + b"".join(records))
    assert [r.url for r in read(lead)[0]] == [f"http://a.example/{i}" for i in range(4)] and read(lead)[1] == []
    gzipped = tmp_path / "lead.warc.gz"
    gzipped.write_bytes(b"\r\n" + b"".join(gzip.compress(r) for r in records))  # blank bytes before the first member
    assert [r.url for r in read(gzipped)[0]] == [f"http://a.example/{i}" for i in range(4)] and read(gzipped)[1] == []

