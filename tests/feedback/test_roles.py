"""The feedback permissions given to the roles by feedback/migrations/0002."""

import pytest

pytestmark = pytest.mark.django_db


def test_officer_handles_and_publishes_but_cannot_delete(officer):
    for perm in ("view_feedback", "change_feedback", "publish_feedback", "view_feedbackevent", "view_surveyresponse"):
        assert officer.has_perm(f"feedback.{perm}"), perm
    assert not officer.has_perm("feedback.delete_feedback")
    assert not officer.has_perm("feedback.change_complainttier")
    assert not officer.has_perm("feedback.change_feedbackevent")


def test_supervisor_only_reads_feedback(supervisor):
    assert supervisor.has_perm("feedback.view_feedback") and supervisor.has_perm("feedback.view_surveyresponse")
    assert [p for p in supervisor.get_all_permissions() if p.startswith("feedback.") and not p.startswith("feedback.view_")] == []
