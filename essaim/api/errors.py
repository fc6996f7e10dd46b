"""Exceptions of the API and their problem+json handlers."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from essaim.api.problems import field_errors, problem_response, validation_detail
from essaim.financing.services import PlanVersionError
from essaim.funding_applications import services as application_services
from financing_engine import PlanInputError

logger = logging.getLogger("essaim.api")

NOT_FOUND = "Introuvable : cet objet n'existe pas, ou votre organisation n'y a pas accès."
UNAUTHENTICATED = (
    "Jeton d'accès absent, invalide, expiré ou révoqué. Envoyez l'en-tête « Authorization: Bearer <jeton> » "
    "avec un jeton créé sur la page « Mon compte »."
)
READ_ONLY_TOKEN = "Ce jeton est en lecture seule : créez un jeton « lecture et écriture » pour cette action."
FORBIDDEN = "Votre rôle dans l'organisation pour laquelle agit ce jeton ne permet pas cette action."
THROTTLED = "Trop de requêtes avec ce jeton : réessayez dans {seconds} seconde(s)."


class ApiProblem(Exception):
    """Raise anywhere in an operation to answer a problem+json."""

    def __init__(self, status: int, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []


def _django_validation_errors(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"field": field if field != "__all__" else "corps de la requête", "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": "corps de la requête", "message": message} for message in error.messages]


def _application_error(request, exc):
    """A dossier's refusal: about one input field (the workflow names it) → 422; otherwise 409."""
    message = str(exc)
    field = getattr(exc, "field", None)
    if field:
        errors = [{"field": field, "message": message}]
        return problem_response(request, 422, f"{field} : {message}", errors)
    if message.startswith("Précisez : "):
        errors = [{"field": "comment", "message": message}]
        return problem_response(request, 422, f"comment : {message}", errors)
    return problem_response(request, 409, message)


def install(api) -> None:
    """Replace ninja's default handlers (English, plain JSON) with problem+json in French."""

    def on_api_problem(request, exc: ApiProblem):
        return problem_response(request, exc.status, exc.detail, exc.errors)

    def on_validation(request, exc: NinjaValidationError):
        errors = field_errors(list(exc.errors))
        return problem_response(request, 422, validation_detail(errors), errors)

    def on_authentication(request, exc):
        response = problem_response(request, 401, UNAUTHENTICATED)
        response["WWW-Authenticate"] = 'Bearer realm="essaim"'
        return response

    def on_throttled(request, exc: Throttled):
        seconds = max(1, int(exc.wait or 1))
        return problem_response(request, 429, THROTTLED.format(seconds=seconds))

    def on_not_found(request, exc):
        return problem_response(request, 404, NOT_FOUND)

    def on_permission(request, exc):
        message = str(exc) if str(exc) else FORBIDDEN
        return problem_response(request, 403, message)

    def on_http_error(request, exc: HttpError):
        return problem_response(request, exc.status_code, str(exc))

    def on_django_validation(request, exc: DjangoValidationError):
        errors = _django_validation_errors(exc)
        return problem_response(request, 422, validation_detail(errors), errors)

    def on_plan_input(request, exc: PlanInputError):
        errors = [
            {"field": f"plan.{error.field}" if error.field else "plan", "message": error.message}
            for error in exc.errors
        ]
        return problem_response(request, 422, validation_detail(errors), errors)

    def on_plan_version(request, exc):
        return problem_response(request, 409, str(exc))

    def on_unexpected(request, exc):
        logger.exception("Erreur inattendue de l'API sur %s", request.path, exc_info=exc)
        return problem_response(request, 500, "Erreur interne : l'équipe de la plateforme a été prévenue.")

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(ApiProblem, on_api_problem)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(PlanInputError, on_plan_input)
    api.add_exception_handler(PlanVersionError, on_plan_version)
    api.add_exception_handler(application_services.ApplicationError, _application_error)
