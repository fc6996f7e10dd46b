"""Rows of the permission matrix, one module per area of the interface.

Each module defines ``ROWS``: tuples ``(id, url name, kwargs builder or None, "get" | "post",
POST data builder or None, allowed actors)``; builders take the ``world`` dict. A module may also
define ``extend_world(world)`` to add the objects its rows need (it returns nothing and adds keys),
and ``snapshot()`` returning a dict of what its refused actions must leave unchanged.
Add a module here when you add an area; the matrix test imports every module of this package.

The world is built once per worker (``shared_world``, module scope) inside a transaction rolled back
at the end, and every case runs in a savepoint on top of it: a case's writes never reach the next
case. Builders receive a deep copy of the world (cached attributes set on its objects do not leak)
and the files ``extend_world`` saves are copied into each case's own ``MEDIA_ROOT``. So
``extend_world`` must only create objects (no ``on_commit`` side effect is ever run) and must not
depend on the case (actor, row).
"""
