"""The one-page PDF of a service's Standar Pelayanan (PermenPANRB 15/2014), rendered with WeasyPrint.

One FontConfiguration is shared by every render in the process: a fresh one per render makes
WeasyPrint's memory grow without bound (STACK.md §2). Fonts are Liberation Sans/Serif (fonts-liberation),
whose metrics the layout was measured with. A standard that does not fit on one A4 page at the normal
size is rendered again with smaller type, down to MIN_SCALE.
"""

import threading

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

TEMPLATE = "requests_app/public/standard_pdf.html"
SCALES = (1.0, 0.92, 0.85, 0.78)
MIN_SCALE = SCALES[-1]

_font_config = None
_lock = threading.Lock()


def font_config():
    """The process's one weasyprint FontConfiguration (created on first use: importing WeasyPrint takes ~1 s)."""
    global _font_config
    with _lock:
        if _font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            _font_config = FontConfiguration()
        return _font_config


def render_standard(context: dict) -> bytes:
    """PDF bytes of the standard described by context (see public.service_pdf), on one page if it can be."""
    from weasyprint import HTML

    fonts = font_config()
    with translation.override(translation.get_language() or settings.LANGUAGE_CODE):
        for scale in SCALES:
            html = render_to_string(TEMPLATE, {**context, "font_size": f"{10 * scale:.2f}pt"})
            document = HTML(string=html, base_url=str(settings.BASE_DIR / "static")).render(font_config=fonts)
            if len(document.pages) == 1:
                break
    return document.write_pdf()
