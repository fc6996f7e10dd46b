"""Rule of the personal API tokens: a token is seen, and revoked, by its owner only.

Same rule as ``ApiToken.objects.visible_to`` (tests/www/test_visibility_rules.py proves they agree):
nobody else, platform administrators included, sees someone's token.
"""

import rules


@rules.predicate
def owns_token(user, token):
    return token is not None and user.is_authenticated and token.user_id == user.pk


rules.add_perm("api_tokens.view_token", owns_token)
