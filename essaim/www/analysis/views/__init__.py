"""Opportunity analysis: scores on a map with a ranked table, site selection, scoring profiles.

Every view requires sign-in and the ``analysis.use`` rule (programme partners, collectivités,
platform administrators; see ``essaim/analysis/permissions.py``). Results are computed on demand by
``essaim.analysis.services`` and never stored. With htmx, the filters refresh only the results
(``hx-get`` with ``hx-push-url``); without JavaScript every form is a plain GET.
"""
