import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import BaseTable, ManyNamesColumn, MaskedIDColumn

from .models import Person


class PersonTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("name"))
    id_number = MaskedIDColumn(verbose_name=_("ID number"))
    sex = tables.Column(verbose_name=_("sex"))
    age = tables.Column(verbose_name=_("age"), accessor="birth_date", order_by=("-birth_date",))
    township = tables.Column(verbose_name=_("township"))
    village = tables.Column(verbose_name=_("village"))
    relation = tables.Column(verbose_name=_("relation to head"))
    assistance_status = tables.Column(verbose_name=_("assistance status"))
    tags = ManyNamesColumn(verbose_name=_("vulnerability tags"))

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("name", "id_number", "sex", "age", "township", "village", "relation",
                  "assistance_status", "tags")
        order_by = ("id",)

    def render_age(self, record):
        return record.age

    def value_age(self, record):
        return record.age
