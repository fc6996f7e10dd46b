from ninja import Router

from essaim.api.problems import READ_ERRORS
from essaim.api.schemas import Me

router = Router(tags=["Jeton"])


@router.get("", response={200: Me, **READ_ERRORS}, summary="Le jeton utilisé", operation_id="me")
def me(request):
    """Le jeton de la requête : son nom, sa portée, son expiration, l'organisation pour laquelle il agit
    et le rôle qu'on y a. Utile pour vérifier un jeton."""
    token = request.api_token
    membership = token.membership
    return {
        "token_name": token.name,
        "scope": token.scope,
        "expires_at": token.expires_at,
        "user_email": token.user.email,
        "organization": membership.organization,
        "role": membership.role,
    }
