import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from backend.core.proxies import client_address_from_proxies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
application = client_address_from_proxies(get_wsgi_application(), settings.TTXD_TRUSTED_PROXY_COUNT)
