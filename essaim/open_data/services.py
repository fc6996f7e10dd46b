from django.db import transaction
from django.utils import timezone

from essaim.open_data.models import GrantsPublication


@transaction.atomic
def grants_publication_set(*, organization, is_published: bool) -> GrantsPublication:
    """Switch the public file of a funder's grant conventions on or off."""
    publication, _ = GrantsPublication.objects.select_for_update().get_or_create(organization=organization)
    if is_published and not publication.is_published:
        publication.published_at = timezone.now()
    publication.is_published = is_published
    publication.save()
    return publication
