from django.urls import path

from essaim.www.funding_applications.views import desk, documents, dossiers, instruction, letters, review

app_name = "funding_applications"

urlpatterns = [
    path("", dossiers.application_list, name="list"),
    path("export/<slug:fmt>/", dossiers.application_export, name="export"),
    path("bureau/selection/", desk.desk_batch, name="desk_batch"),
    path("bureau/<slug:queue>/", desk.desk_queue, name="desk"),
    path("modeles-de-lettres/", letters.letter_templates, name="letter_templates"),
    path("<int:pk>/decision/<slug:action>/apercu/", letters.decision_preview, name="decision_preview"),
    path("<int:pk>/lettres/<int:letter_id>/", letters.letter_download, name="letter_download"),
    path("nouveau/", dossiers.application_create, name="create"),
    path("<int:pk>/", dossiers.application_detail, name="detail"),
    path("<int:pk>/supprimer/", dossiers.application_delete, name="delete"),
    path("<int:pk>/plan/", instruction.application_plan, name="plan"),
    path("<int:pk>/projet/", instruction.application_project, name="project"),
    path("<int:pk>/actions/<slug:action>/", dossiers.application_transition, name="transition"),
    path("<int:pk>/attribuer/", desk.application_assign, name="assign"),
    path("<int:pk>/convention/", desk.convention_sign, name="convention_sign"),
    path("<int:pk>/convention/signee.pdf", desk.convention_download, name="convention_download"),
    path("<int:pk>/pieces/", documents.document_upload, name="document_upload"),
    path("<int:pk>/pieces/<int:document_id>/", documents.document_download, name="document_download"),
    path("<int:pk>/pieces/<int:document_id>/supprimer/", documents.document_delete, name="document_delete"),
    path("<int:pk>/attestation-de-depot/", documents.deposit_receipt, name="deposit_receipt"),
    path("<int:pk>/messages/", review.message_create, name="message_create"),
    path("<int:pk>/notes/", review.note_create, name="note_create"),
    path("<int:pk>/avis/", review.expert_request_create, name="expert_request_create"),
    path("<int:pk>/avis/<int:request_id>/retirer/", review.expert_request_revoke, name="expert_request_revoke"),
    path("<int:pk>/avis/<int:request_id>/repondre/", review.expert_answer, name="expert_answer"),
    path("<int:pk>/avis/<int:request_id>/piece/", review.expert_document_download, name="expert_document_download"),
    path("<int:pk>/versements/", dossiers.disbursement_create, name="disbursement_create"),
    path("<int:pk>/echeancier/", dossiers.schedule_update, name="schedule_update"),
]
