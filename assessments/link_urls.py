"""The documents behind a response. Included under the `evidence:` namespace (the paths
and names they always had): see dspt_portal/urls.py."""

from django.urls import path

from . import link_views

urlpatterns = [
    path("<int:pk>/link/", link_views.document_link, name="document_link"),
    path(
        "responses/<int:response_pk>/",
        link_views.response_documents,
        name="response_documents",
    ),
    path("responses/<int:response_pk>/link/", link_views.response_link, name="response_link"),
    path("responses/<int:response_pk>/upload/", link_views.response_upload, name="response_upload"),
    path(
        "responses/<int:response_pk>/unlink/<int:document_pk>/",
        link_views.response_unlink,
        name="response_unlink",
    ),
]
