"""The main navigation, declared once: each entry names its page (URL name), the rule that shows it
and the pages it stands for (to mark the current one). ``base.html`` draws it with
``{% main_navigation %}`` (``templatetags/essaim_navigation.py``); nothing in the template tests a
path or a kind of organisation.

An entry's ``perm`` is a rule of an area's ``permissions.py``, asked like the views ask it
(``essaim.www.permissions.has_perm``); ``None`` shows the entry to every signed-in user (the page
itself may still answer 403 to someone: the directory pages are shared, their actions are not).
``current`` lists URL namespaces (``"projects"``) or URL names (``"schools:school_list"``): a page whose
view matches one of them marks the entry ``aria-current="page"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

from essaim.www.permissions import has_perm

# An open school's own pages (under /production/, with its orders), as opposed to the directory of schools.
OPEN_SCHOOL_PAGES = (
    "orders",
    "schools:my_school",
    "schools:school_open",
    "schools:school_home",
    "schools:school_identity_edit",
    "schools:school_year_create",
    "schools:school_year_edit",
    "schools:workshop_create",
    "schools:workshop_edit",
    "schools:master_trainer_create",
    "schools:master_trainer_edit",
)


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    perm: str | None = None
    current: tuple[str, ...] = ()

    def is_current(self, resolver_match) -> bool:
        if resolver_match is None:
            return False
        return resolver_match.view_name in self.current or resolver_match.namespace in self.current


MAIN_NAVIGATION = (
    Entry("Accueil", "dashboard:home", current=("dashboard",)),
    # A project's financing plans are pages of the project (/projets/<pk>/plans/).
    Entry("Projets", "projects:project_list", current=("projects", "financing")),
    Entry("Dossiers", "funding_applications:list", current=("funding_applications",)),
    Entry("Financements", "funding_programmes:catalogue", current=("funding_programmes",)),
    Entry("Pilotage", "steering:dashboard", perm="steering.view_dashboard", current=("steering",)),
    Entry("Mon école", "schools:my_school", perm="schools.use_my_school", current=OPEN_SCHOOL_PAGES),
    Entry("Écoles de production", "schools:school_list", current=("schools:school_list", "schools:school_detail")),
    Entry("Territoires", "territories:index", current=("territories",)),
    Entry("Analyse territoriale", "analysis:opportunity", perm="analysis.use", current=("analysis",)),
    Entry("Indicateurs", "indicators:catalogue", current=("indicators",)),
    Entry("Partenaires", "organizations:organization_list", current=("organizations",)),
    Entry("Administration", "admin:index", perm="organizations.administer_platform"),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    is_current: bool


# The entries' addresses, by URLconf and script prefix: an entry's URL name takes no argument, so its address
# is the same on every page (a dozen ``reverse`` calls saved on each page drawn with the menu).
_ADDRESSES: dict[tuple[str | None, str], dict[str, str]] = {}


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _ADDRESSES.clear()


def _address(url_name: str) -> str:
    addresses = _ADDRESSES.setdefault((get_urlconf(), get_script_prefix()), {})
    address = addresses.get(url_name)
    if address is None:
        address = addresses[url_name] = reverse(url_name)
    return address


def main_navigation(request, entries=MAIN_NAVIGATION) -> list[Link]:
    """The entries the signed-in user may use, with their address and whether the page is theirs."""
    user = request.user
    if not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    return [
        Link(entry.label, _address(entry.url_name), entry.is_current(match))
        for entry in entries
        if entry.perm is None or has_perm(user, entry.perm)
    ]
