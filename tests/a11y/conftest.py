import pytest

from tests.a11y.support import AxeAudit


@pytest.fixture
def audit():
    """Collects axe results page by page; assert_clean() fails on serious or critical ones."""
    return AxeAudit()
