"""Transfer forms for department systems (included by config/urls.py under /api/transfer-forms/)."""
from django.urls import path

from . import api

urlpatterns = [
    path("", api.TransferFormListView.as_view(), name="api_transfer_forms"),
    path("<str:number>/", api.TransferFormDetailView.as_view(), name="api_transfer_form_detail"),
    path("<str:number>/answer/", api.TransferFormAnswerView.as_view(), name="api_transfer_form_answer"),
]
