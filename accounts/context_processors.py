from django.utils.functional import SimpleLazyObject

from .navigation import badges_for, menu_for


def navigation(request):
    """The menu and the navigation badges, computed when a template shows them (the base page), once a request.

    A fragment rendered with the request (the inbox's badge, an htmx search's results) does not show them and
    no longer pays for them: the badges are a query, the menu a permission check and a URL per entry.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Once per request: a page renders more than one template with the request's context (the list's
    # table is another), and each would run the badge queries again.
    if not hasattr(request, "_navigation"):
        request._navigation = {"menu": SimpleLazyObject(lambda: menu_for(user, request.path)),
                               "nav_badges": SimpleLazyObject(lambda: badges_for(request))}
    return request._navigation
