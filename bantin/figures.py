"""Photos in Markdown: a photo on its own line is a figure with its caption under it, photos
in a row (or after a "Một số hình ảnh:" line) are a gallery, and a file name written with
spaces (`![Hội nghị](Ảnh hội nghị.JPG)`, as editors type it) still names the photo.

The HTML made here is the plain form (`<figure class="anh"><img src alt><figcaption>`); the
site and the PDF replace each `<img>` of it with the copy made for them (photos.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .text import fold

Tokens = Sequence[Token]
# What an editor writes before a gallery: "Một số hình ảnh:", "Hình ảnh tại hội nghị:".
_GALLERY_INTRO = re.compile(r"^(mot so )?(hinh )?anh\b[^.!?]{0,80}:$")
_BLANK = frozenset({"softbreak", "hardbreak"})
# `![chú thích](tên có dấu cách.jpg)`: CommonMark wants <…> around such a name; editors
# do not know that, and the name is plain enough to read as they meant it.
_SPACED = re.compile(
    r"!\[([^\]\n]*)\]\(\s*([^()<>\n]*?\s[^()<>\n]*?\.(?:jpe?g|png|gif|webp|heic|heif|svg|tiff?"
    r"|bmp))\s*\)", re.IGNORECASE)


def spaced_image(state: StateInline, silent: bool) -> bool:
    """An image whose file name has spaces, written without <…> (after the standard rule)."""
    if state.src[state.pos] != "!":
        return False
    m = _SPACED.match(state.src, state.pos)
    if m is None:
        return False
    if not silent:
        src = state.md.normalizeLink(m.group(2).strip())
        if not state.md.validateLink(src):
            return False
        children: list[Token] = []
        state.md.inline.parse(m.group(1), state.md, state.env, children)
        token = state.push("image", "img", 0)
        token.attrs = {"src": src, "alt": ""}
        token.children = children
        token.content = m.group(1)
    state.pos = m.end()
    return True


def _photo_only(inline: Token) -> list[tuple[Token, int]] | None:
    """The images of a paragraph holding nothing but images (and spaces), each with its
    line within the paragraph; None for any other paragraph."""
    images = []
    line = 0
    for c in inline.children or ():
        if c.type == "image":
            images.append((c, line))
        elif c.type in _BLANK:
            line += 1
        elif not (c.type == "text" and not c.content.strip()):
            return None
    return images or None


def is_gallery_intro(text: str) -> bool:
    """A line that introduces a gallery: "Một số hình ảnh:", "Hình ảnh tại hội nghị:"."""
    return len(text) < 100 and bool(_GALLERY_INTRO.match(fold(text.strip())))


def _is_intro(tokens: list[Token], i: int) -> bool:
    """tokens[i] is a paragraph_open whose text introduces a gallery."""
    inline = tokens[i + 1]
    return inline.type == "inline" and is_gallery_intro(inline.content)


def _photo_token(image: Token, line: int, paragraph: Token) -> Token:
    token = Token("photo", "figure", 0)
    token.attrs = dict(image.attrs)
    token.children = image.children
    token.content = image.content
    if paragraph.map:
        token.map = [paragraph.map[0] + line, paragraph.map[0] + line + 1]
    token.level = paragraph.level
    return token


def photo_figures(state: Any) -> None:
    """Turn each photo-only paragraph into figures; group runs of two or more (or any run
    after a gallery introduction) into a gallery."""
    tokens: list[Token] = state.tokens
    out: list[Token] = []
    run: list[Token] = []
    intro = False

    every = bool(state.env.get("gallery"))  # front matter gallery: true

    def flush() -> None:
        nonlocal run, intro
        if len(run) >= 2 or (run and (intro or every)):
            out.append(Token("gallery_open", "div", 1))
            out.extend(run)
            out.append(Token("gallery_close", "div", -1))
        else:
            out.extend(run)
        run, intro = [], False

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        images = (_photo_only(tokens[i + 1]) if tok.type == "paragraph_open"
                  and i + 2 < len(tokens) and tokens[i + 1].type == "inline" else None)
        if images is not None and (not run or run[-1].level == tok.level):
            run += [_photo_token(img, line, tok) for img, line in images]
            i += 3
            continue
        flush()
        if tok.type == "paragraph_open" and i + 1 < len(tokens) and _is_intro(tokens, i):
            out += tokens[i:i + 3]
            intro = True
            i += 3
            continue
        out.append(tok)
        i += 1
    flush()
    state.tokens = out


def _alt(self: Any, token: Token, options: Any, env: Any) -> str:
    return str(self.renderInlineAsText(token.children or [], options, env))


def render_image(self: Any, tokens: Tokens, idx: int, options: Any, env: Any) -> str:
    """One form for every image, which photos.fill recognises."""
    tok = tokens[idx]
    src = escapeHtml(str(tok.attrGet("src") or ""))
    return f'<img src="{src}" alt="{escapeHtml(_alt(self, tok, options, env))}">'


def render_photo(self: Any, tokens: Tokens, idx: int, options: Any, env: Any) -> str:
    caption = escapeHtml(_alt(self, tokens[idx], options, env))
    img = render_image(self, tokens, idx, options, env)
    under = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="anh">{img}{under}</figure>\n'


def render_gallery_open(self: Any, tokens: Tokens, idx: int, options: Any, env: Any) -> str:
    return '<div class="bo-anh">\n'


def render_gallery_close(self: Any, tokens: Tokens, idx: int, options: Any, env: Any) -> str:
    return "</div>\n"


def add_figures(md: MarkdownIt) -> None:
    """Install the photo rules on an article parser."""
    md.inline.ruler.after("image", "spaced_image", spaced_image)
    md.core.ruler.push("photo_figures", photo_figures)
    md.add_render_rule("image", render_image)
    md.add_render_rule("photo", render_photo)
    md.add_render_rule("gallery_open", render_gallery_open)
    md.add_render_rule("gallery_close", render_gallery_close)
