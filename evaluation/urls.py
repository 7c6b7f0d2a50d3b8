from django.urls import path

from evaluation import (
    action_views,
    economic_views,
    export_views,
    matrix_views,
    national_views,
    overall_views,
    plan_views,
    report_views,
    round_views,
    survey_views,
    target_views,
    views,
    yearly_views,
)

plan = "projects/<slug:code>/plans/<slug:phase>/"
year = "projects/<slug:code>/years/<int:fiscal_year>/"
report = "projects/<slug:code>/reports/<int:fiscal_year>/"

evaluation = "evaluations/<int:round_id>/<slug:code>/"

urlpatterns = [
    path("evaluations/", round_views.round_list, name="round_list"),
    path("evaluations/new/", round_views.round_create_view, name="round_create"),
    path("evaluations/<int:round_id>/", round_views.round_detail, name="round_detail"),
    path("evaluations/<int:round_id>/rollup/", round_views.round_rollup_view, name="round_rollup"),
    path(
        "evaluations/<int:round_id>/rollup.xlsx",
        round_views.round_rollup_download,
        name="round_rollup_download",
    ),
    path(
        "evaluations/<int:round_id>/rollup.csv",
        round_views.round_rollup_csv,
        name="round_rollup_csv",
    ),
    path("actions/", action_views.action_item_list, name="action_item_list"),
    path("actions/export.<slug:fmt>", export_views.action_item_export, name="action_item_export"),
    path(
        "reports/board/export.<slug:fmt>",
        export_views.submission_board_export,
        name="submission_board_export",
    ),
    path(
        "projects/<slug:code>/matrix/export.<slug:fmt>",
        export_views.tracking_matrix_export,
        name="tracking_matrix_export",
    ),
    path(
        "projects/<slug:code>/workbook.xlsx",
        export_views.project_workbook,
        name="project_workbook",
    ),
    path(
        "national/export.<slug:fmt>",
        export_views.national_rollup_export,
        name="national_rollup_export",
    ),
    path(
        "indicators/<slug:code>/export.<slug:fmt>",
        export_views.indicator_across_export,
        name="indicator_across_export",
    ),
    path(
        "projects/export.<slug:fmt>", export_views.project_list_export, name="project_list_export"
    ),
    path(
        "home/summary/export.<slug:fmt>",
        export_views.dashboard_summary_export,
        name="dashboard_summary_export",
    ),
    path(
        "home/ratings/export.<slug:fmt>",
        export_views.dashboard_heatmap_export,
        name="dashboard_heatmap_export",
    ),
    path("surveys/export.<slug:fmt>", export_views.survey_list_export, name="survey_list_export"),
    path(
        "surveys/<int:survey_id>/export.<slug:fmt>",
        export_views.survey_detail_export,
        name="survey_detail_export",
    ),
    path("actions/<int:item_id>/", action_views.action_item_detail, name="action_item_detail"),
    path(
        "actions/<int:item_id>/<slug:move>/",
        action_views.action_item_move,
        name="action_item_move",
    ),
    path(evaluation, round_views.evaluation_sheet, name="evaluation_sheet"),
    path(
        evaluation + "sheet.xlsx",
        round_views.evaluation_sheet_download,
        name="evaluation_sheet_download",
    ),
    path(evaluation + "sheet.csv", round_views.evaluation_sheet_csv, name="evaluation_sheet_csv"),
    path(evaluation + "rate/", round_views.rating_edit, name="rating_edit"),
    path(
        evaluation + "consolidate/",
        round_views.evaluation_consolidate_view,
        name="evaluation_consolidate",
    ),
    path(evaluation + "assign/", round_views.evaluation_assign_view, name="evaluation_assign"),
    path("", views.home, name="home"),
    path("national/", national_views.national_rollup_view, name="national_rollup"),
    path(
        "indicators/<slug:code>/",
        national_views.indicator_across_projects,
        name="indicator_across_projects",
    ),
    path("economic/", economic_views.economic_index_view, name="economic_index"),
    path("economic/national/", economic_views.national_figures_edit, name="national_figures_edit"),
    path("surveys/", survey_views.survey_list, name="survey_list"),
    path("surveys/new/", survey_views.survey_create_view, name="survey_create"),
    path("surveys/<int:survey_id>/", survey_views.survey_detail, name="survey_detail"),
    path("surveys/<int:survey_id>/edit/", survey_views.survey_edit, name="survey_edit"),
    path(
        "surveys/<int:survey_id>/<slug:action>/",
        survey_views.survey_transition,
        name="survey_transition",
    ),
    path("reports/board/", report_views.submission_board, name="submission_board"),
    path(
        "projects/<slug:code>/reports/new/", report_views.report_create_view, name="report_create"
    ),
    path(report, report_views.report_detail, name="report_detail"),
    path(report + "edit/", report_views.report_edit, name="report_edit"),
    path(report + "workbook/", report_views.report_download, name="report_download"),
    path(report + "upload/", report_views.report_upload, name="report_upload"),
    path(report + "self-check/", report_views.report_self_check_edit, name="report_self_check"),
    path(report + "<slug:action>/", report_views.report_transition, name="report_transition"),
    path("overall/<slug:phase>/", overall_views.overall_plan_detail, name="overall_plan_detail"),
    path("overall/<slug:phase>/edit/", overall_views.overall_plan_edit, name="overall_plan_edit"),
    path("projects/<slug:code>/", views.project_detail, name="project_detail"),
    path("projects/<slug:code>/matrix/", matrix_views.tracking_matrix, name="tracking_matrix"),
    path("projects/<slug:code>/plans/new/", plan_views.plan_create_view, name="plan_create"),
    path(plan, plan_views.plan_detail, name="plan_detail"),
    path(plan + "vision/", plan_views.plan_vision_edit, name="plan_vision_edit"),
    path(plan + "scenario/", plan_views.plan_scenario_revise, name="plan_scenario_revise"),
    path(
        plan + "scenario/compare/", plan_views.plan_scenario_compare, name="plan_scenario_compare"
    ),
    path(plan + "strategies/", plan_views.plan_strategies_edit, name="plan_strategies_edit"),
    path(plan + "targets/new/", target_views.target_add_view, name="target_add"),
    path(plan + "targets/<int:target_id>/", target_views.target_values_edit, name="target_edit"),
    path(
        plan + "targets/<int:target_id>/remove/",
        target_views.target_remove_view,
        name="target_remove",
    ),
    path(plan + "<slug:action>/", plan_views.plan_transition, name="plan_transition"),
    path(
        "projects/<slug:code>/years/new/",
        yearly_views.yearly_plan_create_view,
        name="yearly_plan_create",
    ),
    path(year, yearly_views.yearly_plan_detail, name="yearly_plan_detail"),
    path(year + "edit/", yearly_views.yearly_plan_edit, name="yearly_plan_edit"),
    path(
        year + "<slug:action>/", yearly_views.yearly_plan_transition, name="yearly_plan_transition"
    ),
]
