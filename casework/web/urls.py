from django.contrib.auth import views as auth_views
from django.urls import include, path

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("", auth_views.LoginView.as_view(), name="dashboard"),
    path("account/two-factor/", auth_views.LoginView.as_view(), name="two_factor"),
    path("", include("casework.web.workforce_urls")),
]
