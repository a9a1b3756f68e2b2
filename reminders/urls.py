from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("account/notifications/", views.preferences, name="preferences"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
