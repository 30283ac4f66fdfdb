"""The files pages hold, as search shows them in a hit.

A page is found by the text of the files it links too (its index declaration indexes that
text as part of the page, so it has exactly the page's visibility). When the words of a
query are in such a file and not on the page itself, the hit shows the file's name and a
snippet from inside it. Search imports no app: the app that owns files tells it how to find
a page's files (:func:`register_files`), from its ``AppConfig.ready()``; without one, hits
show the page's own text only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FileText:
    """One file a page holds: its name as shown, its address and the text read from it."""

    name: str
    url: str
    text: str


#: Page ids -> the readable files each of those pages holds, in a fixed number of queries.
FilesOfPages = Callable[[Sequence[int]], dict[int, list[FileText]]]

_registered: dict[str, FilesOfPages] = {}


def register_files(files_of_pages: FilesOfPages) -> None:
    """Tell search how to find the files of pages; called again, it replaces."""
    _registered["files"] = files_of_pages


def files_of_pages(page_ids: Sequence[int]) -> dict[int, list[FileText]]:
    """The files each page holds, by page id; empty when no app registered files."""
    found = _registered.get("files")
    if found is None or not page_ids:
        return {}
    return found(page_ids)
