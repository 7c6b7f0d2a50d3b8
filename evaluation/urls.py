from django.urls import path

from evaluation import views

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<slug:code>/", views.project_detail, name="project_detail"),
]
