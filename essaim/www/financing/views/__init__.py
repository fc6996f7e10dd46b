"""Financing plans of a project: list, plan/version pages, the htmx editor, versions, Excel and JSON."""
