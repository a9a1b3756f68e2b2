from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("", views.index, name="index"),
    path("breaches/", views.breaches, name="breaches"),
    path("breaches/new/", views.breach_create, name="breach_create"),
    path("breaches/<int:pk>/", views.breach_edit, name="breach_edit"),
    path("breaches/export/", views.breaches_export, name="breaches_export"),
    path("breaches/import/", views.breaches_import, name="breaches_import"),
    path("subject-access/", views.sars, name="sars"),
    path("subject-access/new/", views.sar_create, name="sar_create"),
    path("subject-access/<int:pk>/", views.sar_edit, name="sar_edit"),
    path("subject-access/export/", views.sars_export, name="sars_export"),
    path("subject-access/import/", views.sars_import, name="sars_import"),
    path("it/", views.assets, name="assets"),
    path("it/new/", views.asset_create, name="asset_create"),
    path("it/<int:pk>/", views.asset_edit, name="asset_edit"),
    path("it/export/", views.assets_export, name="assets_export"),
    path("it/import/", views.assets_import, name="assets_import"),
    path("suppliers/", views.suppliers, name="suppliers"),
    path("suppliers/new/", views.supplier_create, name="supplier_create"),
    path("suppliers/<int:pk>/", views.supplier_edit, name="supplier_edit"),
    path("suppliers/export/", views.suppliers_export, name="suppliers_export"),
    path("suppliers/import/", views.suppliers_import, name="suppliers_import"),
    path("information/", views.information, name="information"),
    path("information/new/", views.information_create, name="information_create"),
    path("information/<int:pk>/", views.information_edit, name="information_edit"),
    path("information/export/", views.information_export, name="information_export"),
    path("information/import/", views.information_import, name="information_import"),
    path("continuity/", views.continuity, name="continuity"),
    path("continuity/new/", views.continuity_create, name="continuity_create"),
    path("continuity/<int:pk>/", views.continuity_edit, name="continuity_edit"),
    path("continuity/export/", views.continuity_export, name="continuity_export"),
    path("continuity/import/", views.continuity_import, name="continuity_import"),
]
