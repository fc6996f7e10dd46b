"""Rows of the permission matrix, one module per area of the interface.

Each module defines ``ROWS``: tuples ``(id, url name, kwargs builder or None, "get" | "post",
POST data builder or None, allowed actors[, target])``; builders take the ``world`` dict. The optional
target (``seen(...)`` or ``nowhere`` below) names the object the URL is about: a refused actor who sees
it gets 403, one who does not 404; without a target (lists, creation pages), refused actors get 403.
A module may also define ``extend_world(world)`` to add the objects its rows need (it returns nothing
and adds keys), and ``snapshot()`` returning a dict of what its refused actions must leave unchanged.
Add a module here when you add an area; the matrix test imports every module of this package.

The world is built once per worker (``shared_world``, module scope) inside a transaction rolled back
at the end, and every case runs in a savepoint on top of it: a case's writes never reach the next
case. Builders receive a deep copy of the world (cached attributes set on its objects do not leak)
and the files ``extend_world`` saves are copied into each case's own ``MEDIA_ROOT``. So
``extend_world`` must only create objects (no ``on_commit`` side effect is ever run) and must not
depend on the case (actor, row).
"""


def seen(path, queryset="visible_to"):
    """A row's target: the object its URL names, ``world[path]`` (a dotted path for nested dicts).

    A refused actor who sees that object (it is in ``Model.objects.<queryset>(user)``) must get 403 (a
    visible object the role may not act on); one who does not, 404 (another organisation's object is
    indistinguishable from a missing one). A row without a target names no object: refused actors get 403.
    """

    def sees(world, user):
        obj = world
        for part in path.split("."):
            obj = obj[part]
        return getattr(type(obj).objects, queryset)(user).filter(pk=obj.pk).exists()

    sees.path = path
    return sees


def nowhere(world, user):
    """A row's target when its URL names no existing object (another object's id under this one): 404."""
    return False
