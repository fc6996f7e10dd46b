from django.urls import path

from essaim.www.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
]
