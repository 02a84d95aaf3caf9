"""Filters for the public pages: published figures and Indonesian number formats."""

from django import template
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value, decimals=0):
    """A published figure, or a dash explained to screen readers when it is withheld (None)."""
    if value is None:
        return format_html(
            '<span class="suppressed" title="{0}" aria-hidden="true">—</span><span class="visually-hidden">{0}</span>',
            _("tidak ditampilkan: kurang dari 5 data"),
        )
    return number_format(value, decimal_pos=int(decimals) if decimals else None, force_grouping=True)


@register.filter
def percent(value):
    if value is None:
        return figure(None)
    return f"{number_format(value, decimal_pos=1)}%"


@register.filter
def indonesian(value):
    """Text staff wrote in Indonesian (service names, steps, requirements), marked lang="id" on a page in
    another language, so a screen reader reads it with an Indonesian voice. Unchanged on Indonesian pages."""
    if value in (None, "") or (translation.get_language() or "id").startswith("id"):
        return value
    return format_html('<span lang="id">{}</span>', value)
