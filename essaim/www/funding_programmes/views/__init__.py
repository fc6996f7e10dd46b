"""Pages of the funding programmes: catalogue, programme page and edit forms, envelopes, matching
of a project with « ajouter au plan », funding lines of a project, totals per funder with exports.

Objects are fetched through ``get_visible_or_404`` (another organisation's project or line is a 404);
every write goes through a service of ``essaim.funding_programmes.services``, which checks the rule
again.
"""
