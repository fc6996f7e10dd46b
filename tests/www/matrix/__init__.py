"""Rows of the permission matrix, one module per area of the interface.

Each module defines ``ROWS``: tuples ``(id, url name, kwargs builder or None, "get" | "post",
POST data builder or None, allowed actors)``; builders take the ``world`` dict. A module may also
define ``extend_world(world)`` to add the objects its rows need (it returns nothing and adds keys),
and ``snapshot()`` returning a dict of what its refused actions must leave unchanged.
Add a module here when you add an area; the matrix test imports every module of this package.
"""
