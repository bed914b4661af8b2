"""Locust users of the load test (``bench/load.py`` runs them; ``locust -f bench/locustfile_load.py`` works too).

Four kinds of people, each a simulated user who logs in once with a demo account and then works with 5–15 s
between actions, as officials do:

- ``Clerk`` (văn thư): registers incoming documents with a PDF through the web form and submits each to the
  agency leader; searches; opens the incoming list, the inbox and the home page; searches through the API.
- ``Leader`` (lãnh đạo): opens the "to assign" queue, opens a document and assigns it to a specialist or a
  department; opens the home page and searches.
- ``Specialist`` (chuyên viên): opens the "to process" queue, opens a document, records progress or completes
  the part; reads the queue through the API.
- ``Overseer`` (Văn phòng UBND / Sở TT&TT): the usage dashboard, three months and twelve months.

Request names are grouped by their first word: ``page`` (a page, GET), ``action`` (a form posted: the answer
is the redirect, which is not followed; the page after it is counted as a page), ``api`` (JSON API) and
``login``. The plan (accounts by role, the password, search words) comes from ``bench/load.py --prepare`` as
a JSON file named by LOAD_PLAN, or is set by ``bench/load.py`` through ``configure``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import threading

import benchenv  # noqa: F401 - the checkout on sys.path (for lienthong.demo.pdf)
from locust import HttpUser, between, events, task

from lienthong.demo.pdf import tiny_pdf  # a one-page PDF with real text; plain Python, no Django set-up

PLAN: dict = {}
_cycles: dict[str, itertools.cycle] = {}
_lock = threading.Lock()
# Counted by the clerks, read by bench/load.py: documents whose registration answered with their page.
REGISTERED: list[int] = []
# People whose login has finished (successfully or not): bench/load.py measures only after all of them.
STARTED = [0]

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DOC_LINK_RE = re.compile(r'href="/van-ban/(\d+)/(?:#[\w-]*)?"')
SUBMIT_RE = re.compile(r'action="/xu-ly/(\d+)/trinh/"')
ASSIGN_RE = re.compile(r'action="/xu-ly/(\d+)/phan-cong/"')
NOTE_RE = re.compile(r'action="/xu-ly/phan-viec/(\d+)/tien-do/"')
COMPLETE_RE = re.compile(r'action="/xu-ly/phan-viec/(\d+)/hoan-thanh/"')
OPTION_RE = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)')
SELECT_RE = re.compile(r'<select name="([\w-]+)"[^>]*>(.*?)</select>', re.S)
DATE_INPUT_RE = re.compile(r'name="(a-row-0-deadline)" value="([\d-]+)"')
DOCUMENT_PATH_RE = re.compile(r"/van-ban/(\d+)/$")


def configure(plan: dict) -> None:
    PLAN.clear()
    PLAN.update(plan)
    _cycles.clear()


def _load_plan() -> None:
    if not PLAN and os.environ.get("LOAD_PLAN"):
        with open(os.environ["LOAD_PLAN"], encoding="utf-8") as fh:
            configure(json.load(fh))


def next_account(role: str) -> dict:
    """The next demo account of ``role``, round robin: distinct people until every one is in use."""
    _load_plan()
    with _lock:
        if role not in _cycles:
            accounts = PLAN["accounts"].get(role) or []
            if not accounts:
                raise RuntimeError(f"the plan has no {role} accounts")
            _cycles[role] = itertools.cycle(accounts)
        return next(_cycles[role])


def select_options(html: str, name: str) -> list[tuple[str, str]]:
    for select_name, body in SELECT_RE.findall(html):
        if select_name == name:
            return [(v, label.strip()) for v, label in OPTION_RE.findall(body) if v]
    return []


class Official(HttpUser):
    """Logs in once (``on_start``) and keeps the session; every later request is as that person."""

    abstract = True
    role = ""
    wait_time = between(5, 15)

    def on_start(self) -> None:
        try:
            self._log_in()
        finally:
            with _lock:
                STARTED[0] += 1

    def _log_in(self) -> None:
        account = next_account(self.role)
        self.account = account
        self.client.trust_env = False  # loopback only: no proxy, and the TLS trust given by load.py
        if PLAN.get("verify") is not None:
            self.client.verify = PLAN["verify"]
        self.client.headers["Referer"] = self.host + "/"
        page = self.client.get("/tai-khoan/dang-nhap/", name="login: form")
        token = CSRF_RE.search(page.text or "")
        with self.client.post("/tai-khoan/dang-nhap/", name="login: post", allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": token.group(1) if token else "",
                                    "username": account["username"], "password": PLAN["password"]}) as r:
            if r.status_code != 302:
                r.failure(f"login of {account['username']} answered {r.status_code}")
                self.stop()
                return
        self.api_token = None

    # -- helpers --

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def page(self, path: str, name: str, *, params=None):
        with self.client.get(path, name=name, params=params, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
            return r

    def post_form(self, path: str, name: str, data: dict, *, files=None, expect=r"/van-ban/\d+/"):
        """Post a form as the browser does; success is the redirect to the page named by ``expect``."""
        data = {"csrfmiddlewaretoken": self.csrf(), **data}
        with self.client.post(path, name=name, data=data, files=files, allow_redirects=False,
                              catch_response=True) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302 or not re.search(expect, location):
                snippet = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.text or ""))
                error = re.search(r"(errorlist|alert-error|invalid-feedback)[^>]*>([^<]{0,160})", r.text or "")
                r.failure(f"{r.status_code} {location or ''} {error.group(2) if error else snippet[:160]}")
                return None
            return location

    def api(self, path: str, name: str, params=None):
        if self.api_token is None:
            with self.client.post("/api/auth/token", name="login: api token", catch_response=True,
                                  json={"username": self.account["username"], "password": PLAN["password"]}) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}")
                    return None
                self.api_token = r.json()["token"]
        with self.client.get(path, name=name, params=params, catch_response=True,
                             headers={"Authorization": f"Bearer {self.api_token}"}) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
            return r

    def search_word(self) -> str:
        return random.choice(PLAN["search_words"])

    def search(self) -> None:
        self.page("/van-ban/", "page: search", params={"q": self.search_word()})

    def open_first(self, queue_html: str, name: str = "page: document (from queue)"):
        ids = list(dict.fromkeys(DOC_LINK_RE.findall(queue_html)))
        if not ids:
            return None
        return self.page(f"/van-ban/{random.choice(ids[:10])}/", name)


class Clerk(Official):
    role = "clerk"
    weight = 4

    @task(3)
    def register_incoming(self) -> None:
        form = self.page("/van-ban/dang-ky-den/", "page: register incoming (form)")
        if form.status_code != 200:
            return
        agency = re.search(r'name="agency" value="(\d+)"', form.text)
        types = [v for v, label in select_options(form.text, "document_type") if label == "Công văn"] or \
            [v for v, _label in select_options(form.text, "document_type")]
        if not agency or not types:
            return
        today = dt.date.today().isoformat()
        n = random.randint(1, 99999)
        subject = f"{random.choice(PLAN['subjects'])} (kiểm thử tải {n})"
        pdf = tiny_pdf(f"Load test {self.account['username']} {n} {random.random():.12f}")
        location = self.post_form("/van-ban/dang-ky-den/", "action: register incoming (PDF)", {
            "agency": agency.group(1), "number_symbol": f"{n:02d}/UBND-KTT", "issued_on": today,
            "document_type": types[0], "issuer_name": "Ủy ban nhân dân huyện Kiểm Thử", "subject": subject,
            "received_on": today, "urgency": "normal", "secrecy": "normal", "language": "vi",
        }, files={"files": (f"cong-van-{n}.pdf", pdf, "application/pdf")})
        if location is None:
            return
        doc_id = int(re.search(r"/van-ban/(\d+)/", location).group(1))
        with _lock:
            REGISTERED.append(doc_id)
        detail = self.page(f"/van-ban/{doc_id}/", "page: document")
        handling = SUBMIT_RE.search(detail.text or "")
        leaders = select_options(detail.text or "", "leader")
        if handling and leaders:
            self.post_form(f"/xu-ly/{handling.group(1)}/trinh/", "action: submit to leader",
                           {"leader": leaders[0][0], "note": "Kính trình lãnh đạo xem xét, chỉ đạo."})

    @task(3)
    def search_documents(self) -> None:
        self.search()

    @task(2)
    def incoming_list(self) -> None:
        self.page("/van-ban/", "page: list (incoming)", params={"direction": "in"})

    @task(1)
    def inbox(self) -> None:
        self.page("/lien-thong/den/", "page: inbox")

    @task(1)
    def home(self) -> None:
        self.page("/", "page: home")

    @task(1)
    def api_search(self) -> None:
        self.api("/api/documents", "api: documents search", params={"q": self.search_word()})


class Leader(Official):
    role = "leader"
    weight = 2

    @task(4)
    def assign(self) -> None:
        queue = self.page("/xu-ly/hang-doi/to_assign/", "page: queue to assign")
        detail = self.open_first(queue.text or "")
        if detail is None or detail.status_code != 200:
            return
        handling = ASSIGN_RE.search(detail.text)
        if not handling:
            return
        targets = select_options(detail.text, "a-row-0-target")
        people = [v for v, label in targets if "Chuyên viên" in label or "Trưởng phòng" in label]
        units = [v for v, _label in targets if v.startswith("unit:")]
        choice = random.choice(units or people or [v for v, _ in targets] or [""])
        if not choice:
            return
        deadline = DATE_INPUT_RE.search(detail.text)
        self.post_form(f"/xu-ly/{handling.group(1)}/phan-cong/", "action: assign", {
            "a-row-0-role": "lead", "a-row-0-target": choice,
            "a-row-0-deadline": deadline.group(2) if deadline else "",
            "a-row-0-instruction": "Chủ trì, tham mưu văn bản trả lời"})

    @task(1)
    def home(self) -> None:
        self.page("/", "page: home")

    @task(1)
    def search_documents(self) -> None:
        self.search()


class Specialist(Official):
    role = "specialist"
    weight = 4

    def _open_part(self):
        queue = self.page("/xu-ly/hang-doi/to_process/", "page: queue to process")
        detail = self.open_first(queue.text or "")
        if detail is None or detail.status_code != 200:
            return None, None
        return detail, detail.text

    @task(3)
    def progress(self) -> None:
        _detail, html = self._open_part()
        part = NOTE_RE.search(html or "")
        if part:
            aid = part.group(1)
            self.post_form(f"/xu-ly/phan-viec/{aid}/tien-do/", "action: progress note", {
                f"n{aid}-text": "Đang phối hợp các phòng liên quan tổng hợp số liệu.",
                f"n{aid}-progress": str(random.choice([20, 40, 60, 80]))})

    @task(1)
    def complete(self) -> None:
        _detail, html = self._open_part()
        part = COMPLETE_RE.search(html or "")
        if part:
            aid = part.group(1)
            self.post_form(f"/xu-ly/phan-viec/{aid}/hoan-thanh/", "action: complete part", {
                f"c{aid}-result": "Đã tham mưu văn bản trả lời theo chỉ đạo."})

    @task(1)
    def api_queue(self) -> None:
        self.api("/api/handlings", "api: processing queue", params={"queue": "to_process"})

    @task(1)
    def search_documents(self) -> None:
        self.search()


class Overseer(Official):
    role = "overseer"
    weight = 1

    @task(3)
    def dashboard(self) -> None:
        self.page("/giam-sat/", "page: oversight dashboard")

    @task(1)
    def dashboard_year(self) -> None:
        today = dt.date.today()
        start = (today.replace(day=1) - dt.timedelta(days=330)).replace(day=1)
        self.page("/giam-sat/", "page: oversight dashboard (12 months)",
                  params={"month_from": start.strftime("%Y-%m"), "month_to": today.strftime("%Y-%m")})


@events.init_command_line_parser.add_listener
def _(parser) -> None:  # pragma: no cover - only for `locust -f` runs
    _load_plan()
