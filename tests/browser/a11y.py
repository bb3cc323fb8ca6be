"""axe-core checks for the browser tests (axe.min.js ships with axe-playwright-python)."""

from __future__ import annotations

from typing import Any

SERIOUS_IMPACTS = ("serious", "critical")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (WCAG 2.x A/AA + more)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS_IMPACTS]


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node.get('html', '')[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(visit: Any, label: str) -> None:
    """Fail with a readable list if axe finds any serious or critical violation."""
    violations = axe_violations(visit.page)
    assert not violations, f"axe: {label} ({visit.page.url}):\n{format_violations(violations)}"
