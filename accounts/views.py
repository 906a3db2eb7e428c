from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel, Role
from .forms import LoginForm, StyledPasswordChangeForm
from .models import Region
from .navigation import home_widgets_for
from .scoping import scope

# What each role does, shown on its home page (DESIGN §1).
ROLE_DUTIES = {
    Role.VILLAGE_ASSISTANT: [
        _("Log hardship leads on the day you find them."),
        _("Visit the people on the key-population roster on time."),
        _("Help people who cannot apply on their own (帮办代办)."),
    ],
    Role.TOWNSHIP_CASEWORKER: [
        _("Accept new leads from villages, the hotline and the public."),
        _("Investigate each household and classify it (三个不放过)."),
        _("Answer transfer forms within 5 working days."),
    ],
    Role.TOWNSHIP_HEAD: [
        _("Watch the township's leads, overdue visits and transfer forms."),
        _("Review and submit the monthly report to the district by the 5th."),
    ],
    Role.DEPARTMENT_LIAISON: [
        _("Deliver your department's data on its cadence."),
        _("Answer the transfer forms addressed to your department."),
    ],
    Role.DISTRICT_STAFF: [
        _("Transfer leads to townships and departments and chase overdue work."),
        _("Match department data against the registry."),
        _("Compile the monthly roll-up."),
    ],
    Role.DISTRICT_HEAD: [
        _("See the whole district at a glance and approve exceptional relief (一事一议)."),
    ],
    Role.ADMINISTRATOR: [
        _("Manage users, regions, departments, deadlines and feed definitions."),
    ],
}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response


class LogoutView(auth_views.LogoutView):
    """Logging out also tells the browser to wipe what this site kept on the device (the offline copy and
    queue in IndexedDB, the Cache API, service workers): a shared phone keeps nothing of the last user."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


@login_required
def home(request):
    user = request.user
    return render(request, "accounts/home.html", {
        "duties": ROLE_DUTIES.get(user.role, []),
        "widgets": home_widgets_for(request),
    })


# Villages a type-ahead offers at a time (common.filters.RegionSearchSelect).
VILLAGE_OPTIONS_MAX = 30


@login_required
def village_options(request):
    """The ``<option>``s of a village filter whose name contains ``?q=``: only the user's own villages (scoped),
    each with its township, at most ``VILLAGE_OPTIONS_MAX``; the empty choice first (no filter)."""
    query = (request.GET.get("q") or "").strip()[:32]
    villages = scope(request.user, Region.objects.filter(level=RegionLevel.VILLAGE)).select_related("parent")
    if query:
        villages = villages.filter(name__contains=query)
    rows = [(v.pk, f"{v.name}（{v.parent.name}）" if v.parent_id else v.name)
            for v in villages.order_by("code")[:VILLAGE_OPTIONS_MAX]]
    html = format_html('<option value="">{}</option>', "---------") + format_html_join(
        "", '<option value="{}">{}</option>', rows)
    return HttpResponse(html)
