from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from essaim.accounts.models import User

SCHOOL_STAFF_ACCOUNT = (
    "Ce compte appartient au personnel d'une école de production, qui voit les dossiers des jeunes : "
    "son adresse et son mot de passe ne se changent pas dans l'administration."
)


def is_school_staff_account(user) -> bool:
    """The account has an active membership of an organisation running a school (it sees youths' records).

    Changing its e-mail address or password in the admin would let a platform administrator sign in
    as the school's staff: both are read-only here (docs/security.md)."""
    if user is None or user.pk is None:
        return False
    return User.objects.filter(
        pk=user.pk, memberships__is_active=True, memberships__organization__production_school__isnull=False
    ).exists()


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if is_school_staff_account(obj):
            readonly += ["email", "password"]
        return readonly

    def user_change_password(self, request, id, form_url=""):
        if is_school_staff_account(self.get_object(request, id)):
            raise PermissionDenied(SCHOOL_STAFF_ACCOUNT)
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        # Also reached by django-simple-history's « revert » form, which ignores readonly fields.
        if change and is_school_staff_account(obj):
            previous = User.objects.get(pk=obj.pk)
            if (previous.email, previous.password) != (obj.email, obj.password):
                raise PermissionDenied(SCHOOL_STAFF_ACCOUNT)
        super().save_model(request, obj, form, change)
