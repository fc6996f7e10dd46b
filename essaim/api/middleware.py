"""Log every use of an API token (after the answer, so the log carries its status)."""

from essaim.api_tokens.services import api_token_record_use


def token_use_middleware(get_response):
    def middleware(request):
        response = get_response(request)
        token = getattr(request, "api_token", None)
        if token is not None:
            api_token_record_use(
                token=token,
                ip=request.META.get("REMOTE_ADDR") or None,
                method=request.method or "",
                path=request.get_full_path(),
                status_code=response.status_code,
            )
        return response

    return middleware
