"""``{% revealable object "field" %}``: a masked number with a "show" button for roles that may reveal it."""
from django import template
from django.urls import reverse

from common import reveal

register = template.Library()


@register.inclusion_tag("common/_revealable.html", takes_context=True)
def revealable(context, obj, field: str, link: bool = False):
    value = getattr(obj, field, "") or ""
    label = obj._meta.label_lower
    kind = reveal.kind_of(label, field)
    if kind is None:
        raise template.TemplateSyntaxError(f"{label}.{field} is not registered with common.reveal")
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "value": value,
        "masked": reveal.masked(value, kind),
        "can_reveal": bool(value) and user is not None and reveal.can_reveal(user, kind),
        "url": reverse("common:reveal", args=[label, obj.pk, field]),
        "dom_id": f"reveal-{label.replace('.', '-')}-{obj.pk}-{field}",
        "kind": kind,
    }
