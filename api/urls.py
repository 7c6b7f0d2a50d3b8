from django.urls import path

from api import views

urlpatterns = [
    path("projects/", views.projects, name="api_projects"),
    path("targets/", views.targets, name="api_targets"),
    path("values/", views.values, name="api_values"),
    path("ratings/", views.ratings, name="api_ratings"),
    path("evaluations/", views.evaluations, name="api_evaluations"),
    path("action-items/", views.action_items, name="api_action_items"),
]
