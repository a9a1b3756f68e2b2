"""/o/<home>/registers/: the index, then the same six routes for each register in
views.REGISTERS, named as before (registers:breaches, registers:breach_edit, ...)."""

from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [path("", views.index, name="index")]
for r in views.REGISTERS.values():
    here = {"register": r}  # the view's `register` argument
    urlpatterns += [
        path(f"{r.path}/", views.entry_list, here, name=r.key),
        path(f"{r.path}/new/", views.entry_create, here, name=f"{r.one}_create"),
        path(f"{r.path}/<int:pk>/", views.entry_edit, here, name=f"{r.one}_edit"),
        path(f"{r.path}/<int:pk>/delete/", views.entry_delete, here, name=f"{r.one}_delete"),
        path(f"{r.path}/export/", views.entries_export, here, name=f"{r.key}_export"),
        path(f"{r.path}/import/", views.entries_import, here, name=f"{r.key}_import"),
    ]
