"""Long lists cut into numbered pages, numbered from the oldest item.

Page 1 holds the first `size` items ever recorded, page 2 the next, and so on; only the
newest page is ever partly filled. A page's content depends on nothing but its number and
its items, so once full it never changes again: a new item touches only the newest page.
The page after a full one always exists (empty until its first item), so a full page can
link "newer" to it from the moment it fills, and never has to be written again.

>>> [(p.number, p.items, p.full) for p in split_pages([1, 2, 3, 4, 5], 2)]
[(1, [1, 2], True), (2, [3, 4], True), (3, [5], False)]
>>> [(p.number, p.items) for p in split_pages([1, 2], 2)]
[(1, [1, 2]), (2, [])]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    number: int  # from 1, the oldest
    items: list[T]  # oldest first
    full: bool  # full pages never change; each links the next one

    @property
    def older(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def newer(self) -> int | None:
        return self.number + 1 if self.full else None


def split_pages(items: list[T], size: int) -> list[Page[T]]:
    """`items` (oldest first) as pages of `size`, and the page that takes the next item."""
    count = len(items) // size + 1
    return [
        Page(n + 1, items[n * size : (n + 1) * size], len(items) >= (n + 1) * size)
        for n in range(count)
    ]


def newest_page(count: int, size: int) -> int:
    """The number of the page holding the newest of `count` items (1 when there is none).

    >>> newest_page(0, 100), newest_page(100, 100), newest_page(101, 100)
    (1, 1, 2)
    """
    return max(1, -(-count // size))
