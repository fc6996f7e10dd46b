from django.core import checks

from essaim.jobs.kinds import KINDS


@checks.register()
def every_kind_has_its_function(app_configs=None, **kwargs):
    """A kind declared in kinds.py without the function that runs it would queue jobs no worker can run."""
    return [
        checks.Error(f"Job kind {name!r} has no function: register one with @runs({name!r})", id="jobs.E001")
        for name, spec in KINDS.items()
        if spec.run is None
    ]
