"""``{% list_page_url "cases.Lead" %}``: the list page that shows a model's rows, wherever it lives.

A lower app's templates link to a higher app's list through common.registry.list_pages (the higher app
registers it), never by its URL name (DESIGN §13).
"""
from django import template
from django.urls import reverse

from common.registry import list_pages

register = template.Library()


@register.simple_tag
def list_page_url(model_label: str) -> str:
    return reverse(list_pages.get(model_label).url_name)
