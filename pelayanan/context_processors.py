from django.conf import settings


def agency(request):
    return {
        "AGENCY_NAME": settings.AGENCY_NAME,
        "AGENCY_SHORT_NAME": settings.AGENCY_SHORT_NAME,
        "AGENCY_ADDRESS": settings.AGENCY_ADDRESS,
        "AGENCY_PHONE": settings.AGENCY_PHONE,
        "AGENCY_EMAIL": settings.AGENCY_EMAIL,
        "DOCUMENT_RETENTION_DAYS": settings.DOCUMENT_RETENTION_DAYS,  # the privacy notice states it
    }


def public_info(request):
    """Footer opening hours and the Maklumat Pelayanan, from the database through the public-page cache.

    Lazy: a page that shows neither costs nothing; one that does costs a cache hit.
    """
    from django.utils.functional import SimpleLazyObject

    from requests_app import public

    return {
        "footer_hours": SimpleLazyObject(public.footer_hours),
        "service_pledge": SimpleLazyObject(lambda: public.active_pledge() or {}),
    }
