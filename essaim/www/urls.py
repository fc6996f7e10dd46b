from django.urls import path

from essaim.www import views

app_name = "www"

urlpatterns = [
    path("", views.home, name="home"),
]
