from django.urls import path

from dashboard.digests import views

urlpatterns = [
    path("subscribe/", views.subscribe, name="digests-subscribe"),
    path("confirm/<str:token>/", views.confirm, name="digests-confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="digests-unsubscribe"),
    path("preview/<str:token>/", views.preview, name="digests-preview"),
]
