from django.urls import path

from evaluation import plan_views, views

plan = "projects/<slug:code>/plans/<slug:phase>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<slug:code>/", views.project_detail, name="project_detail"),
    path("projects/<slug:code>/plans/new/", plan_views.plan_create_view, name="plan_create"),
    path(plan, plan_views.plan_detail, name="plan_detail"),
    path(plan + "vision/", plan_views.plan_vision_edit, name="plan_vision_edit"),
    path(plan + "scenario/", plan_views.plan_scenario_revise, name="plan_scenario_revise"),
    path(
        plan + "scenario/compare/", plan_views.plan_scenario_compare, name="plan_scenario_compare"
    ),
    path(plan + "strategies/", plan_views.plan_strategies_edit, name="plan_strategies_edit"),
    path(plan + "<slug:action>/", plan_views.plan_transition, name="plan_transition"),
]
