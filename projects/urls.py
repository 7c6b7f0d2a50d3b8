from django.urls import path

from projects import views

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<slug:code>/", views.project_detail, name="project_detail"),
]
