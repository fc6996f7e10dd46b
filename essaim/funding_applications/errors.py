"""The errors of the dossier use cases (French messages for users)."""

from django.core.exceptions import PermissionDenied


class ApplicationError(ValueError):
    """The dossier cannot undergo this action now (French message for users)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ApplicationPermissionError(PermissionDenied):
    """The user's role does not allow this action on this dossier."""


def refused(message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(message, field)
