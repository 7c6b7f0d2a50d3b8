from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.renderers.exports import (
    amount,
    fy,
    kind_cell,
    rate_cell,
    unit_label,
)
from projects.domain import english_active, in_active_language

# The by-field table's note, on the page and under the table in its CSV and xlsx.
FIELD_NOTE = gettext_lazy(
    "複数の分野に属するプロジェクトは各分野で数えるため、分野別の値を足しても全国の合計にはなりません。"
)


def rollup_totals(context):
    header = [
        _("区分"),
        _("指標"),
        _("単位（全国合計）"),
        _("年度"),
        _("全国合計"),
        _("値のあるプロジェクト数（件）"),
        _("該当なしのプロジェクト数（件）"),
        _("未把握のプロジェクト数（件）"),
        _("合計しない理由"),
    ]
    year = fy(context["year"])
    rows = (
        [
            str(line.indicator.get_category_display()),
            str(line.indicator.name),
            unit_label(line.indicator),
            year,
            amount(line.indicator, line.total),
            line.reporting,
            line.not_applicable,
            line.unknown,
            "" if line.indicator.adds_up else str(line.indicator.no_total_reason),
        ]
        for line in context["lines"]
    )
    return header, rows


def rollup_breakdown(context, columns, attribute):
    """A row per indicator that adds up (by field: and has a value in some column; by bureau:
    every one, under all nine bureaus, so that years compare): its total under each bureau or
    field (blank where there is none); the unit in its own column, as indicators differ in
    unit."""
    header = [_("区分"), _("指標"), _("単位"), _("年度"), *[str(c.name) for c in columns]]
    year = fy(context["year"])
    rows = []
    for line in context["lines"]:
        totals = getattr(line, attribute)
        if not line.indicator.adds_up:
            continue
        if attribute != "by_bureau" and not any(c.pk in totals for c in columns):
            continue
        rows.append(
            [
                str(line.indicator.get_category_display()),
                str(line.indicator.name),
                unit_label(line.indicator),
                year,
                *[amount(line.indicator, totals.get(c.pk)) for c in columns],
            ]
        )
    return header, rows


def rollup_bureaus(context):
    return rollup_breakdown(context, context["bureau_columns"], "by_bureau")


def rollup_fields(context):
    """The breakdown by field, then a blank row and the page's note (FIELD_NOTE) in the first
    column: every row as wide as the header, so the file stays a plain rectangle."""
    header, rows = rollup_breakdown(context, context["field_columns"], "by_field")
    blank = [None] * (len(header) - 1)
    return header, [*rows, [None, *blank], [str(FIELD_NOTE), *blank]]


def rollup_common(context):
    """One row: the common target's national actual and target for the year, and summed over
    Phase II up to the year against the phase target (no row where the category chosen
    leaves the common target out)."""
    common = context["common"]
    year = fy(context["year"])
    if common is None:
        return [_("指標")], []
    indicator = common["indicator"]
    unit = unit_label(indicator)
    header = [
        _("指標"),
        _("年度"),
        f"{_('実績')}（{unit}）",
        f"{_('全国目標')}（{unit}）",
        _("達成率（%）"),
        f"{_('第II期の累計（2006年度から）')}（{unit}）",
        f"{_('第II期の全国目標')}（{unit}）",
        _("進捗率（%）"),
    ]
    row = [
        str(indicator.name),
        year,
        amount(indicator, common["actual"]),
        amount(indicator, common["target"]),
        rate_cell(common["rate"]),
        amount(indicator, common["to_date"]),
        amount(indicator, common["phase_target"]),
        rate_cell(common["phase_rate"]),
    ]
    return header, [row]


def rollup_projects(context):
    """The per-project values of the indicators that have no national total (and of the common
    target), each as one of the four kinds: streamed from the selector's per_project_rows (the
    exports), else read from the lines' per_project (the page's context)."""
    header = [
        _("区分"),
        _("指標"),
        _("単位"),
        _("年度"),
        _("プロジェクト"),
        _("経済産業局"),
        _("値"),
    ]
    year = fy(context["year"])
    bureaus = {b.pk: str(b.name) for b in context["bureaus"]}
    indicators = {line.indicator.pk: line.indicator for line in context["lines"]}
    leading = {
        pk: [
            str(indicator.get_category_display()),
            str(indicator.name),
            unit_label(indicator),
            year,
        ]
        for pk, indicator in indicators.items()
    }
    streamed = context.get("per_project_rows")
    if streamed is None:
        values = (
            (v.indicator_id, v.project.name_ja, v.project.name_en, v.project.bureau_id, v.kind,
             v.value)
            for line in context["lines"]
            for v in line.per_project
        )  # fmt: skip
    else:
        values = streamed()
    english = english_active()  # asked once, not for each of the rows
    rows = (
        [
            *leading[indicator_id],
            in_active_language(name_ja, name_en, english=english),
            bureaus[bureau_id],
            kind_cell(indicators[indicator_id], kind, number),
        ]
        for indicator_id, name_ja, name_en, bureau_id, kind, number in values
    )
    return header, rows
