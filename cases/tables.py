import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common.tables import PHONE_HIDDEN, BaseTable, ManyNamesColumn, MaskedIDColumn

from .models import Person


class PersonTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("full name"))
    id_number = MaskedIDColumn(verbose_name=_("ID number"))
    sex = tables.Column(verbose_name=_("sex"), attrs=PHONE_HIDDEN)
    age = tables.Column(verbose_name=_("age"), accessor="birth_date", order_by=("-birth_date",))
    township = tables.Column(verbose_name=_("township"), attrs=PHONE_HIDDEN)
    village = tables.Column(verbose_name=_("village"))
    relation = tables.Column(verbose_name=_("relation to head"), attrs=PHONE_HIDDEN)
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
