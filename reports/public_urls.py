app_name = "reports_public"

urlpatterns: list = []
