"""Pages of the funding dossiers: list, creation, dossier page, actions and downloads.

Every dossier is fetched through ``get_visible_or_404`` (another holder's dossier is a 404) and
every action goes through a service, which checks the rule again. Actions are plain POST forms
that redirect to the dossier page; htmx only improves the message thread and the uploads.
"""
