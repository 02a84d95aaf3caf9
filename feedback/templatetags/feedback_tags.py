from django import template

from feedback import ikm

register = template.Library()


@register.simple_tag
def survey_state(service_request):
    """{"open": bool, "done": bool, "url": str} for the survey invitation of one request."""
    if service_request is None or service_request.status not in ikm.SURVEY_STATUSES:
        return {"open": False, "done": False, "url": ""}
    done = ikm.already_answered(service_request)
    return {"open": not done, "done": done, "url": "" if done else ikm.survey_url_for(service_request)}
