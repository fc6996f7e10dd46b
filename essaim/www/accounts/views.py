from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from essaim.organizations.permissions import SESSION_KEY, active_memberships
from essaim.www.accounts.forms import AccountForm, EmailAuthenticationForm

# The public pages (LoginRequiredMiddleware lets them through): signing in and out, resetting a
# forgotten password. Every other view of the interface requires a signed-in user.
login = login_not_required(
    auth_views.LoginView.as_view(
        template_name="registration/login.html",
        authentication_form=EmailAuthenticationForm,
        redirect_authenticated_user=True,
    )
)
logout = login_not_required(auth_views.LogoutView.as_view())
password_reset = login_not_required(
    auth_views.PasswordResetView.as_view(
        template_name="registration/password_reset_form.html",
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = login_not_required(
    auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html")
)
password_reset_confirm = login_not_required(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="registration/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html")
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="registration/password_change_form.html", success_url=reverse_lazy("accounts:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html")


def account(request):
    user = request.user
    if request.method == "POST":
        form = AccountForm(request.POST)
        if form.is_valid():
            user.first_name = form.cleaned_data["first_name"]
            user.last_name = form.cleaned_data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
            messages.success(request, "Vos informations ont été enregistrées.")
            return redirect("accounts:account")
    else:
        form = AccountForm(initial={"first_name": user.first_name, "last_name": user.last_name})
    memberships = active_memberships(user)
    return render(request, "accounts/account.html", {"form": form, "memberships": memberships})


@require_POST
def switch_organization(request):
    """Act for another of one's organisations. Only one's own active memberships can be chosen."""
    try:
        membership_id = int(request.POST.get("membership", ""))
    except ValueError:
        raise PermissionDenied from None
    membership = request.user.memberships.active().filter(pk=membership_id).select_related("organization").first()
    if membership is None:
        raise PermissionDenied
    request.session[SESSION_KEY] = membership.pk
    messages.success(request, f"Vous agissez désormais pour « {membership.organization.name} ».")
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("dashboard:home")
