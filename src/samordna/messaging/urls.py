from django.urls import path

from samordna.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.compose, name="compose"),
    path("<int:pk>/", views.message, name="message"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("deliveries/<int:delivery_pk>/acknowledge/", views.acknowledge, name="ack"),
    path("deliveries/<int:delivery_pk>/forward/", views.forward, name="forward"),
]
