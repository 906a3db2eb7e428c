from .navigation import badges_for, menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Once per request: a page renders more than one template with the request's context (the list's
    # table is another), and each would run the badge queries again.
    if not hasattr(request, "_navigation"):
        request._navigation = {"menu": menu_for(user, request.path), "nav_badges": badges_for(request)}
    return request._navigation
