"""Markdown to safe HTML fragments (markdown-it-py), with the paragraphs' source lines."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, NamedTuple
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from .figures import add_figures
from .text import keep_together

# Bump when the HTML produced for the same Markdown changes, or how records are kept
# (prepare.RenderStore): it invalidates caches.
RENDER_VERSION = "9"
# How body lines become paragraphs (site.yml `paragraphs`, config.PARAGRAPH_RULES): "lines" —
# every non-blank line is a paragraph, as Word text pastes; "markdown" — CommonMark soft wraps.
# Body headings sit below the page's own levels (h1 page, h2 section, h3 article title).
_HEADING_TAG = {"h1": "h4", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}
_SUMMARY_LENGTH = 220
Tokens = Sequence[Token]
_TEXT_TOKENS = frozenset({"text", "code_inline", "softbreak", "hardbreak"})


class Block(NamedTuple):
    """A block of text (paragraph, list item, table row, quote) and where it starts.

    A NamedTuple rather than a dataclass: thousands are pickled in the render cache.
    """

    kind: str
    text: str
    line: int  # 1-based line in the source file
    scope: int  # index of the heading scope it sits under (0 = before any heading)


class PhotoRef(NamedTuple):
    """An image of the body as written: its src (percent-decoded), file line, caption (its
    alt text) and how it is placed: "figure" (a photo on its own line, with its caption
    under it), "gallery" (one of a group shown side by side) or "inline" (within text)."""

    src: str
    line: int
    caption: str = ""
    place: str = "inline"


class Rendered:
    """One article body as every output shows it (the record `prepare` makes and caches).

    A record read from the cache holds its summary and photos, and fetches its HTML and
    search words (nine tenths of its bytes) only when asked for: a build after one edit
    shows the bodies of one issue and reads the words of one year, not those of 2,600
    articles."""

    __slots__ = ("_fetch", "_html", "_words", "blocks", "key", "photos", "shown", "summary")

    def __init__(self, html: str | None, summary: str, blocks: tuple[Block, ...] = (),
                 photos: tuple[PhotoRef, ...] = (), key: str = "", words: str | None = "",
                 shown: str = "", fetch: Callable[[str], str] | None = None) -> None:
        self._html = html
        self.summary = summary
        self.blocks = blocks  # every block of the source (not kept in the cache)
        self.photos = photos  # images that are printed, in order
        self.key = key  # digest of what it was rendered from (prepare.render_key), if known
        # The folded words of the printed body, space-separated, for the search index
        # (search.body_words): found where the article is prepared (in worker processes on
        # a cold build) and kept with it, as one string (a list costs 40 % more to read).
        self._words = words
        self.shown = shown  # digest of the HTML, when known (the search index's year tags)
        # Gives "html" or "words" of a record read from the cache, each when first asked
        # for: the search index reads a year's words, never their HTML. Kept after use, so
        # that a second thread asking meanwhile (serve's PDF) never finds it gone.
        self._fetch = fetch

    @property
    def html(self) -> str:
        if self._html is None:
            assert self._fetch is not None
            self._html = self._fetch("html")
        return self._html

    @property
    def words(self) -> str:
        if self._words is None:
            assert self._fetch is not None
            self._words = self._fetch("words")
        return self._words

    def __reduce__(self) -> tuple[Any, ...]:  # sent to another process: whole
        return (Rendered, (self.html, self.summary, self.blocks, self.photos, self.key,
                           self.words, self.shown))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rendered):
            return NotImplemented
        if self.key and self.key == other.key:  # made from the same inputs
            return True
        return (self.summary, self.photos, self.html) == (other.summary, other.photos,
                                                          other.html)

    def __hash__(self) -> int:
        return hash((self.key, self.summary))

    def __repr__(self) -> str:
        return f"Rendered(key={self.key!r}, summary={self.summary[:40]!r})"


def _render_text(self: Any, tokens: Tokens, idx: int, options: Any, env: Any) -> str:
    return escapeHtml(keep_together(tokens[idx].content))


def _render_heading_open(self: Any, tokens: Tokens, idx: int, options: Any, env: Any) -> str:
    return f"<{_HEADING_TAG[tokens[idx].tag]}>"


def _render_heading_close(self: Any, tokens: Tokens, idx: int, options: Any, env: Any) -> str:
    return f"</{_HEADING_TAG[tokens[idx].tag]}>\n"


def _render_table_open(self: Any, tokens: Tokens, idx: int, options: Any, env: Any) -> str:
    # Wide tables scroll inside their own box instead of widening a phone's page.
    return '<div class="bang-cuon"><table>\n'


def _render_table_close(self: Any, tokens: Tokens, idx: int, options: Any, env: Any) -> str:
    return "</table></div>\n"


def _matching_close(tokens: list[Token], start: int) -> int:
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting if tokens[j].type.endswith("_list_open") or tokens[
            j].type.endswith("_list_close") else 0
        if depth == 0:
            return j
    return len(tokens) - 1


# Characters an enabled inline rule starts at (newline, escape, backticks, strikethrough,
# emphasis, link, image and spaced_image, autolink and html_inline, entity).
_INLINE_START = re.compile(r"[\n\\`~*_\[!<&]")


def inline_text_first(state: Any) -> None:
    """markdown-it's core "inline" rule, with a shortcut: an inline block where no inline
    rule can start (most lines of an article) becomes the one text token the full parse
    would make of it (tests/test_markdown.py holds the two equal), at a tenth of the cost."""
    md, env = state.md, state.env
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if token.children or _INLINE_START.search(token.content) is not None:
            md.inline.parse(token.content, md, env, token.children)
        elif token.content:
            token.children.append(Token("text", "", 0, content=token.content))


def nest_plus_lists(state: Any) -> None:
    """Editors write a second list level as "+" lines under "-" lines, unindented (seed 002).

    CommonMark reads that as separate sibling lists; move each "+" list into the last
    item of the "-" list before it, then merge "-" lists that the move made adjacent.
    """
    tokens: list[Token] = state.tokens
    i = 1
    while i < len(tokens):
        tok, prev = tokens[i], tokens[i - 1]
        if (tok.type == "bullet_list_open" and tok.markup == "+"
                and prev.type == "bullet_list_close" and prev.markup in "-*"):
            end = _matching_close(tokens, i)
            segment = tokens[i:end + 1]
            del tokens[i:end + 1]
            # prev is at i-1; the last item of the "-" list closes at i-2.
            tokens[i - 2:i - 2] = segment
            after = i - 1 + len(segment)  # index of the "-" list close
            nxt = after + 1
            if (nxt < len(tokens) and tokens[nxt].type == "bullet_list_open"
                    and tokens[nxt].markup == tokens[after].markup):
                del tokens[after:nxt + 1]
            i = after
        i += 1


def line_paragraph(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A paragraph is one source line: how editors paste from Word and Zalo."""
    if silent:
        return False
    content = state.getLines(start, start + 1, state.blkIndent, False).strip()
    state.line = start + 1
    token = state.push("paragraph_open", "p", 1)
    token.map = [start, state.line]
    token = state.push("inline", "", 0)
    token.content = content
    token.map = [start, state.line]
    token.children = []
    state.push("paragraph_close", "p", -1)
    return True


def tab_cells(line: str) -> list[str] | None:
    """The cells of a line pasted from a Word table (tab-separated), None if it is not one."""
    text = line.strip(" \r")
    if "\t" not in text.strip("\t"):
        return None
    cells = [" ".join(c.split()) for c in text.strip("\t").split("\t")]
    return cells if sum(1 for c in cells if c) >= 2 else None


def _tab_rows(state: StateBlock, start: int, end: int) -> list[list[str]]:
    rows: list[list[str]] = []
    line = start
    while line < end and not state.isEmpty(line):
        cells = tab_cells(state.getLines(line, line + 1, state.blkIndent, False))
        if cells is None:
            break
        rows.append(cells)
        line += 1
    return rows


def _push_cells(state: StateBlock, cells: list[str], width: int, tag: str, line: int) -> None:
    row = state.push("tr_open", "tr", 1)
    row.map = [line, line + 1]
    for k in range(width):
        state.push(f"{tag}_open", tag, 1)
        inline = state.push("inline", "", 0)
        inline.content = cells[k] if k < len(cells) else ""
        inline.map = [line, line + 1]
        inline.children = []
        state.push(f"{tag}_close", tag, -1)
    state.push("tr_close", "tr", -1)


def tab_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Two or more consecutive tab-separated lines (a table pasted from Word) are a table."""
    first = state.bMarks[start] + state.tShift[start]
    if state.src.find("\t", first, state.eMarks[start]) < 0:
        return False  # the cheap answer at every block start of every article
    rows = _tab_rows(state, start, end)
    if len(rows) < 2:
        return False
    if silent:
        return True
    width = max(len(r) for r in rows)
    state.push("table_open", "table", 1).map = [start, start + len(rows)]
    state.push("thead_open", "thead", 1).map = [start, start + 1]
    _push_cells(state, rows[0], width, "th", start)
    state.push("thead_close", "thead", -1)
    state.push("tbody_open", "tbody", 1).map = [start + 1, start + len(rows)]
    for k, cells in enumerate(rows[1:], 1):
        _push_cells(state, cells, width, "td", start + k)
    state.push("tbody_close", "tbody", -1)
    state.push("table_close", "table", -1)
    state.line = start + len(rows)
    return True


def make_parser(rule: str = "lines") -> MarkdownIt:
    """The article parser for a paragraph rule (config.PARAGRAPH_RULES)."""
    # html=False: raw HTML in an article is shown as text, never as live markup;
    # markdown-it's validateLink already refuses javascript:, vbscript:, file: and data: links.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Articles have no indented code: an indented line is a pushed-right line, not code.
    md.disable("code")
    md.block.ruler.before("table", "tab_table", tab_table,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    if rule == "lines":
        # "Text" over a line of "---" is not a heading here: each line stands alone.
        md.disable("lheading")
        md.block.ruler.at("paragraph", line_paragraph)
    md.core.ruler.at("inline", inline_text_first)
    md.core.ruler.push("nest_plus_lists", nest_plus_lists)
    add_figures(md)
    md.add_render_rule("text", _render_text)
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("heading_close", _render_heading_close)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    return md


@cache
def parser(rule: str = "lines") -> MarkdownIt:
    """One parser per rule and process (building one costs more than parsing an article)."""
    return make_parser(rule)


def too_deep(tokens: Tokens, max_nesting: int) -> int | None:
    """The 0-based body line of the first list item or quote nested past markdown-it's
    limit (options.maxNesting): the parser stops there and drops, without a word, its
    content and all that follows in the enclosing list."""
    for tok in tokens:
        if (tok.type in ("list_item_open", "blockquote_open") and tok.level + 1 >= max_nesting
                and tok.map):
            return tok.map[0]
    return None


def _inline_text(token: Token) -> str:
    parts = [c.content if c.type in ("text", "code_inline") else " "
             for c in token.children or () if c.type in _TEXT_TOKENS]
    return " ".join("".join(parts).split())


def extract_blocks(tokens: list[Token], first_line: int) -> tuple[Block, ...]:
    """Text blocks with their file lines; headings open a new scope."""
    blocks: list[Block] = []
    containers: list[str] = []
    scope = 0
    row_start = 0
    row_cells: list[str] = []
    for i, tok in enumerate(tokens):
        t = tok.type
        if t in ("list_item_open", "blockquote_open"):
            containers.append(t)
        elif t in ("list_item_close", "blockquote_close"):
            containers.pop()
        elif t == "heading_open":
            scope += 1
        elif t == "tr_open":
            row_start, row_cells = (tok.map[0] if tok.map else 0), []
        elif t == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row_cells.append(_inline_text(tok))
        elif t == "tr_close":
            blocks.append(Block("table_row", " | ".join(row_cells), first_line + row_start, scope))
        elif t == "paragraph_open" and tok.map:
            kind = {"list_item_open": "list_item", "blockquote_open": "blockquote"}.get(
                containers[-1] if containers else "", "paragraph")
            blocks.append(Block(kind, _inline_text(tokens[i + 1]), first_line + tok.map[0], scope))
    return tuple(blocks)


def summarize(blocks: tuple[Block, ...]) -> str:
    text = next((b.text for b in blocks if b.kind == "paragraph" and len(b.text) > 40),
                blocks[0].text if blocks else "")
    if len(text) <= _SUMMARY_LENGTH:
        return text
    cut = text.rfind(" ", 0, _SUMMARY_LENGTH)
    return text[: cut if cut > 0 else _SUMMARY_LENGTH].rstrip(",;:") + "…"


_DROPPABLE = {"paragraph_open": "paragraph_close", "tr_open": "tr_close"}
_EMPTY_PAIRS = {("list_item_open", "list_item_close"), ("bullet_list_open", "bullet_list_close"),
                ("ordered_list_open", "ordered_list_close"),
                ("blockquote_open", "blockquote_close")}


def drop_blocks(tokens: list[Token], body_lines: frozenset[int]) -> list[Token]:
    """Remove the blocks starting at these 0-based body lines (and containers left empty)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        close = _DROPPABLE.get(tok.type)
        if close and tok.map and tok.map[0] in body_lines:
            while tokens[i].type != close or tokens[i].level != tok.level:
                i += 1
        elif out and (out[-1].type, tok.type) in _EMPTY_PAIRS and out[-1].level == tok.level:
            out.pop()  # a list item, list or quote whose only content was dropped
        else:
            out.append(tok)
        i += 1
    return out


class Parsed(NamedTuple):
    """An article body parsed once, for both the repeat check and the renderer."""

    tokens: list[Token]
    env: dict[str, Any]
    blocks: tuple[Block, ...]
    first_line: int


def parse(md: MarkdownIt, body: str, first_line: int, gallery: bool = False) -> Parsed:
    """Parse a body whose first line is file line `first_line`; `gallery`: photos on their
    own lines form galleries even one by one (front matter gallery: true)."""
    env: dict[str, Any] = {"gallery": gallery}
    tokens = md.parse(body, env)
    return Parsed(tokens, env, extract_blocks(tokens, first_line), first_line)


def render_parsed(md: MarkdownIt, parsed: Parsed,
                  skip_lines: frozenset[int] = frozenset()) -> Rendered:
    """HTML of a parsed body. `skip_lines` are file lines where blocks start that must not
    be printed (repeats); the returned blocks still list every block of the source."""
    tokens = parsed.tokens
    if skip_lines:
        tokens = drop_blocks(tokens, frozenset(n - parsed.first_line for n in skip_lines))
    html = md.renderer.render(tokens, md.options, parsed.env)
    return Rendered(html, summarize(parsed.blocks), parsed.blocks,
                    image_refs(tokens, parsed.first_line))


def image_refs(tokens: Tokens, first_line: int) -> tuple[PhotoRef, ...]:
    """The images of rendered tokens, in the order their <img> tags are written, with the
    file line of the block that shows them, their caption and placement."""
    found: list[PhotoRef] = []
    line = first_line
    place = "figure"
    for tok in tokens:
        if tok.map:
            line = first_line + tok.map[0]
        if tok.type in ("gallery_open", "gallery_close"):
            place = "gallery" if tok.type == "gallery_open" else "figure"
        elif tok.type == "photo":
            found.append(_ref(tok, line, place))
        elif tok.type == "inline" and tok.children:
            found += [_ref(c, line, "inline") for c in tok.children if c.type == "image"]
    return tuple(found)


def _ref(image: Token, line: int, place: str) -> PhotoRef:
    return PhotoRef(unquote(str(image.attrGet("src") or "")), line, _inline_text(image), place)


def render(md: MarkdownIt, body: str, first_line: int,
           skip_lines: frozenset[int] = frozenset()) -> Rendered:
    """Render an article body whose first line is file line `first_line`."""
    return render_parsed(md, parse(md, body, first_line), skip_lines)
