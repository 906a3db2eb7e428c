from .navigation import badges_for, menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": menu_for(user, request.path), "nav_badges": badges_for(request)}
