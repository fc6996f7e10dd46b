app_name = "funding_applications"

urlpatterns: list = []
