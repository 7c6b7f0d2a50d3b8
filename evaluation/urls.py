from django.urls import path

from evaluation.views import (
    actions,
    cases,
    economic,
    home,
    matrix,
    national,
    overall,
    plans,
    projects,
    registry,
    reports,
    rounds,
    surveys,
    targets,
    yearly,
)

plan = "projects/<slug:code>/plans/<slug:phase>/"
year = "projects/<slug:code>/years/<int:fiscal_year>/"
report = "projects/<slug:code>/reports/<int:fiscal_year>/"

evaluation = "evaluations/<int:round_id>/<slug:code>/"

urlpatterns = [
    # before the report's `<slug:action>/` (issue 25)
    path(report + "members/", registry.report_member_counts, name="report_member_counts"),
    path("evaluations/", rounds.round_list, name="round_list"),
    path("evaluations/new/", rounds.round_create, name="round_create"),
    path("evaluations/<int:round_id>/", rounds.round_detail, name="round_detail"),
    path("evaluations/<int:round_id>/rollup/", rounds.round_rollup, name="round_rollup"),
    path(
        "evaluations/<int:round_id>/rollup.xlsx",
        rounds.round_rollup_download,
        name="round_rollup_download",
    ),
    path(
        "evaluations/<int:round_id>/rollup.csv",
        rounds.round_rollup_csv,
        name="round_rollup_csv",
    ),
    path("actions/", actions.action_item_list, name="action_item_list"),
    path("actions/export.<slug:fmt>", actions.action_item_export, name="action_item_export"),
    path(
        "reports/board/export.<slug:fmt>",
        reports.submission_board_export,
        name="submission_board_export",
    ),
    path(
        "projects/<slug:code>/matrix/export.<slug:fmt>",
        matrix.tracking_matrix_export,
        name="tracking_matrix_export",
    ),
    path(
        "projects/<slug:code>/workbook.xlsx",
        projects.project_workbook,
        name="project_workbook",
    ),
    path(
        "national/export.<slug:fmt>",
        national.national_rollup_export,
        name="national_rollup_export",
    ),
    path(
        "indicators/<slug:code>/export.<slug:fmt>",
        national.indicator_across_export,
        name="indicator_across_export",
    ),
    path("projects/export.<slug:fmt>", projects.project_list_export, name="project_list_export"),
    path(
        "home/summary/export.<slug:fmt>",
        home.dashboard_summary_export,
        name="dashboard_summary_export",
    ),
    path(
        "home/ratings/export.<slug:fmt>",
        home.dashboard_heatmap_export,
        name="dashboard_heatmap_export",
    ),
    path("surveys/export.<slug:fmt>", surveys.survey_list_export, name="survey_list_export"),
    path(
        "surveys/<int:survey_id>/export.<slug:fmt>",
        surveys.survey_detail_export,
        name="survey_detail_export",
    ),
    path("actions/<int:item_id>/", actions.action_item_detail, name="action_item_detail"),
    path(
        "actions/<int:item_id>/<slug:move>/",
        actions.action_item_move,
        name="action_item_move",
    ),
    path(evaluation, rounds.evaluation_sheet, name="evaluation_sheet"),
    path(
        evaluation + "sheet.xlsx",
        rounds.evaluation_sheet_download,
        name="evaluation_sheet_download",
    ),
    path(evaluation + "sheet.csv", rounds.evaluation_sheet_csv, name="evaluation_sheet_csv"),
    path(evaluation + "rate/", rounds.rating_edit, name="rating_edit"),
    path(
        evaluation + "consolidate/",
        rounds.evaluation_consolidate,
        name="evaluation_consolidate",
    ),
    path(evaluation + "assign/", rounds.evaluation_assign, name="evaluation_assign"),
    path("", home.home, name="home"),
    path("national/", national.national_rollup, name="national_rollup"),
    path(
        "indicators/<slug:code>/",
        national.indicator_across_projects,
        name="indicator_across_projects",
    ),
    path("economic/", economic.economic_index, name="economic_index"),
    path("economic/national/", economic.national_figures_edit, name="national_figures_edit"),
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/new/", surveys.survey_create, name="survey_create"),
    path("surveys/<int:survey_id>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:survey_id>/edit/", surveys.survey_edit, name="survey_edit"),
    path(
        "surveys/<int:survey_id>/<slug:action>/",
        surveys.survey_transition,
        name="survey_transition",
    ),
    path("reports/board/", reports.submission_board, name="submission_board"),
    path("projects/<slug:code>/reports/new/", reports.report_create, name="report_create"),
    path(report, reports.report_detail, name="report_detail"),
    path(report + "edit/", reports.report_edit, name="report_edit"),
    path(report + "workbook/", reports.report_download, name="report_download"),
    path(report + "upload/", reports.report_upload, name="report_upload"),
    path(report + "self-check/", reports.report_self_check_edit, name="report_self_check"),
    path(report + "<slug:action>/", reports.report_transition, name="report_transition"),
    path("overall/<slug:phase>/", overall.overall_plan_detail, name="overall_plan_detail"),
    path("overall/<slug:phase>/edit/", overall.overall_plan_edit, name="overall_plan_edit"),
    path("projects/<slug:code>/", projects.project_detail, name="project_detail"),
    path("projects/<slug:code>/matrix/", matrix.tracking_matrix, name="tracking_matrix"),
    path("projects/<slug:code>/plans/new/", plans.plan_create, name="plan_create"),
    path(plan, plans.plan_detail, name="plan_detail"),
    path(plan + "vision/", plans.plan_vision_edit, name="plan_vision_edit"),
    path(plan + "scenario/", plans.plan_scenario_revise, name="plan_scenario_revise"),
    path(plan + "scenario/compare/", plans.plan_scenario_compare, name="plan_scenario_compare"),
    path(plan + "strategies/", plans.plan_strategies_edit, name="plan_strategies_edit"),
    path(plan + "targets/new/", targets.target_add, name="target_add"),
    path(plan + "targets/<int:target_id>/", targets.target_values_edit, name="target_edit"),
    path(
        plan + "targets/<int:target_id>/remove/",
        targets.target_remove,
        name="target_remove",
    ),
    path(plan + "<slug:action>/", plans.plan_transition, name="plan_transition"),
    path(
        "projects/<slug:code>/years/new/",
        yearly.yearly_plan_create,
        name="yearly_plan_create",
    ),
    path(year, yearly.yearly_plan_detail, name="yearly_plan_detail"),
    path(year + "edit/", yearly.yearly_plan_edit, name="yearly_plan_edit"),
    path(year + "<slug:action>/", yearly.yearly_plan_transition, name="yearly_plan_transition"),
    # The network registry (会員名簿, issue 25)
    path("projects/<slug:code>/members/", registry.member_list, name="member_list"),
    path(
        "projects/<slug:code>/members/export.<slug:fmt>",
        registry.member_list_export,
        name="member_list_export",
    ),
    path("projects/<slug:code>/members/import/", registry.member_import, name="member_import"),
    path(
        "projects/<slug:code>/members/import/apply/",
        registry.member_import_apply,
        name="member_import_apply",
    ),
    path(
        "organisations/<int:organisation_id>/",
        registry.organisation_detail,
        name="organisation_detail",
    ),
    path("policy-tools/<slug:code>/review/", cases.tool_review_sheet, name="tool_review_sheet"),
    path(
        "policy-tools/<slug:code>/review/export.<slug:fmt>",
        cases.tool_review_sheet_export,
        name="tool_review_sheet_export",
    ),
]
