from django.urls import path

from essaim.www.funding_applications import views

app_name = "funding_applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("nouveau/", views.application_create, name="create"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/actions/<slug:action>/", views.application_transition, name="transition"),
    path("<int:pk>/pieces/", views.document_upload, name="document_upload"),
    path("<int:pk>/pieces/<int:document_id>/", views.document_download, name="document_download"),
    path("<int:pk>/pieces/<int:document_id>/supprimer/", views.document_delete, name="document_delete"),
    path("<int:pk>/attestation-de-depot/", views.deposit_receipt, name="deposit_receipt"),
    path("<int:pk>/messages/", views.message_create, name="message_create"),
    path("<int:pk>/notes/", views.note_create, name="note_create"),
    path("<int:pk>/avis/", views.expert_request_create, name="expert_request_create"),
    path("<int:pk>/avis/<int:request_id>/retirer/", views.expert_request_revoke, name="expert_request_revoke"),
    path("<int:pk>/avis/<int:request_id>/repondre/", views.expert_answer, name="expert_answer"),
    path("<int:pk>/avis/<int:request_id>/piece/", views.expert_document_download, name="expert_document_download"),
    path("<int:pk>/versements/", views.disbursement_create, name="disbursement_create"),
]
