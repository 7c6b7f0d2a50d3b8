"""What every page's frame needs: the demo date, so that a page computed as of a day inside
Phase II says so (templates/base.html shows 「デモ：2009年7月1日時点」)."""

from projects.times import demo_today as _demo_today


def demo_today(request) -> dict:
    return {"demo_today": _demo_today()}
