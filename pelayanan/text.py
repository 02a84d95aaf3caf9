"""Small helpers for Indonesian text the portal writes into notes and messages."""

from django.utils.translation import gettext as _


def sentence(text: str) -> str:
    """One full stop at the end of a sentence that ends with a name and its degree.

    Indonesian names carry degrees that end in a period ("Drs. Bambang Sitorus, M.Pd."), so a message
    written as "Menunggu pertimbangan %(name)s." would otherwise end in "M.Pd..".
    """
    return text[:-1] if text.endswith("..") and not text.endswith("...") else text


def join_words(items) -> str:
    """A list as a sentence writes it: "PNS, CPNS dan PPPK" ("PNS, CPNS and PPPK" in English)."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s dan %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}
