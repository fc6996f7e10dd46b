from django.urls import path

from essaim.www.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_catalogue, name="catalogue"),
    path("import/", views.indicator_import, name="import"),
    path("metiers-bmo/", views.trade_code_list, name="trade_codes"),
    path("metiers-bmo/ajouter/", views.trade_code_add, name="trade_code_add"),
    path("metiers-bmo/<int:pk>/retirer/", views.trade_code_delete, name="trade_code_delete"),
]
