"""A test-only URLconf: the site's routes plus views that crash, log a line and queue a background job."""

import logging

from django.http import JsonResponse
from django.urls import path

from lienthong import urls as site_urls
from lienthong.core.jobs import enqueue


def crash(request):
    raise RuntimeError("bước thử gây lỗi")


def log_line(request):
    logging.getLogger("lienthong.monitoring.tests").warning("Một dòng nhật ký của yêu cầu")
    return JsonResponse({"ok": True})


def queue_job(request):
    task_id = enqueue("lienthong.monitoring.tests.jobs.current_request_id")
    return JsonResponse({"task": task_id})


urlpatterns = [
    path("thu/crash/", crash, name="test_crash"),
    path("thu/log/", log_line, name="test_log"),
    path("thu/job/", queue_job, name="test_job"),
    *site_urls.urlpatterns,
]
handler500 = site_urls.handler500
handler404 = site_urls.handler404
