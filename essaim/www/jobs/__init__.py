# Imported by the jobs app's autodiscovery (``<app>.jobs``): registers the export job of the web layer.
from essaim.www.jobs import exports  # noqa: F401
