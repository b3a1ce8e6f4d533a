"""Drafting records from news articles for an analyst to review (``ecosystem-graph extract``).

The steps, one module each: :mod:`.text` reads an article (text, Markdown, HTML) into sentences;
:mod:`.rules` holds the cue words of ``data/extraction.yaml``; :mod:`.known` what the graph already
knows (names, places, themes); :mod:`.dates` finds dates; :mod:`.names` reads the names of each
sentence and classifies them; :mod:`.meetings` finds the visit and its meetings; :mod:`.article`
runs them over one article into an :class:`~.model.Extraction`; :mod:`.draft` turns that into the
draft file a person reviews.
"""

from __future__ import annotations

from .article import extract_article, extract_text
from .draft import about, draft_records, render_draft, source_fields
from .known import Known
from .model import Entity, Extraction, Fact, Mention
from .text import DEFAULT_MAX_SIZE, Article, ArticleError, read_article

__all__ = ["DEFAULT_MAX_SIZE", "Article", "ArticleError", "Entity", "Extraction", "Fact", "Known", "Mention",
           "about", "draft_records", "extract_article", "extract_text", "read_article", "render_draft",
           "source_fields"]
