"""Helpers for the accessibility browser tests: axe-core in the page, and logging in through the forms."""

from collections import defaultdict

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

PASSWORD = "rahasia-kuat-123"  # tests/factories.py
BLOCKING = ("serious", "critical")


class AxeAudit:
    """Runs axe-core (bundled by axe-playwright-python) on pages and keeps every violation, page by page."""

    def __init__(self):
        self.axe = Axe()
        self.results = {}  # label -> list of axe violation dicts

    def check(self, page, label=None):
        """Run axe on the page as it is now; label names it in the report."""
        label = label or page.url
        violations = self.axe.run(page).response["violations"]
        self.results[label] = violations
        return violations

    def blocking(self):
        return [(label, v) for label, vs in self.results.items() for v in vs if v["impact"] in BLOCKING]

    def report(self, items):
        lines = []
        for label, v in items:
            targets = "; ".join(", ".join(map(str, n["target"])) for n in v["nodes"][:5])
            lines.append(f"{label}: {v['id']} ({v['impact']}) {v['help']} -> {targets}")
            for node in v["nodes"][:2]:
                why = (node.get("failureSummary") or "").splitlines()[-1:]  # axe's own sentence, e.g. the contrast ratio
                lines.append(f"    {' '.join(why).strip()} | {node['html'][:160]}")
        return "\n".join(lines)

    def summary(self):
        """Moderate and minor findings: printed, not failed (issue 8 item 6)."""
        pages = defaultdict(list)
        for label, vs in self.results.items():
            for v in vs:
                if v["impact"] not in BLOCKING:
                    pages[(v["id"], v["impact"])].append(label)
        checked = len(self.results)
        if not pages:
            return f"axe: {checked} pages, no violations of any impact"
        rows = "; ".join(f"{rule} ({impact}) on {', '.join(labels)}" for (rule, impact), labels in sorted(pages.items()))
        return f"axe: {checked} pages, non-blocking findings: {rows}"

    def assert_clean(self):
        print(self.summary())
        blocking = self.blocking()
        assert not blocking, "serious/critical axe violations:\n" + self.report(blocking)


def log_in(page, base_url, user):
    """The portal's own login form, once per browser context (the session cookie is reused afterwards)."""
    page.goto(f"{base_url}/akun/masuk/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.locator("header nav").get_by_role("button", name="Keluar")).to_be_visible()


def log_in_admin(page, base_url, user):
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(user.get_short_name())
