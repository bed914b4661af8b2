"""No request, however odd, is answered with a 500.

Schema-driven: every operation of the OpenAPI schema of ``lienthong.api.api`` gets a bounded number of
generated requests (hypothesis, derandomized so CI sees the same ones every run) built from its own
parameter and body schemas, biased towards what broke before: ids beyond 2^63 − 1, 0 and negatives, NUL
bytes (raw and as the JSON escape), very long and multi-byte strings, months and dates out of range,
hundreds-digit numbers, values of the wrong type. They are sent as a clerk of the Provincial Office (which
also oversees usage) with a bearer token from POST /api/auth/token; anything from 500 up fails the test.

A smaller sweep does the same for the web pages' query strings (list pages with a huge ``page``, a NUL in
``q``, an agency id of 2^70...), and for path ids past 2^63 in every page address that takes one.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.monitoring.services import heartbeat_beat
from lienthong.testing.builders import PASSWORD, make_province, tiny_pdf

EXAMPLES_PER_OPERATION = 12

NASTY_INTS = [0, -1, 2**31, 2**63 - 1, 2**63, 2**64, 2**70, -(2**63) - 1, 10**40, int("9" * 400)]
NASTY_STRINGS = [
    "\x00", "a\x00b", "Nguyễn\x00Văn", "%00", "\\u0000", "", " ", "9999-12", "0000-00", "2018-13", "0-01",
    "9999-12-31", "0001-01-01", "2018-02-30", "10000-01", "-1", "1" * 400, "1e309", "NaN", "x" * 5000,
    "Đắk Lắk – UBND tỉnh 𝔘 ✓", "ư" * 1500, "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
]
NASTY_DATES = ["2018-03-05", "9999-12-31", "0001-01-01", "2018-02-30", "2018-13-01", "1899-12-31", "99999-01-01"]
WRONG_TYPE = [None, "x", [], {}, 2**70, "\x00", True, 1.5]

ints = st.one_of(st.sampled_from(NASTY_INTS), st.integers(min_value=1, max_value=40),
                 st.integers(min_value=-(2**80), max_value=2**80))
texts = st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=40),
                  st.text(max_size=20).map(lambda t: t + "\x00" + t))


class Schema:
    """Turns the JSON schemas of one OpenAPI document into hypothesis strategies."""

    def __init__(self, document: dict):
        self.components = document.get("components", {}).get("schemas", {})

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[-1]]
        if "allOf" in schema and len(schema["allOf"]) == 1:
            schema = {**self.resolve(schema["allOf"][0]), **{k: v for k, v in schema.items() if k != "allOf"}}
        return schema

    def value(self, schema: dict, depth: int = 0) -> st.SearchStrategy:
        return st.one_of(self._value(schema, depth), st.sampled_from(WRONG_TYPE)) if depth == 0 else \
            self._value(schema, depth)

    def _value(self, schema: dict, depth: int) -> st.SearchStrategy:
        schema = self.resolve(schema)
        if "anyOf" in schema or "oneOf" in schema:
            return st.one_of([self._value(s, depth) for s in schema.get("anyOf") or schema["oneOf"]])
        if "enum" in schema:
            return st.one_of(st.sampled_from(schema["enum"]), texts)
        kind = schema.get("type")
        if kind == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            in_range = st.integers(min_value=low if low is not None else 0,
                                   max_value=high if high is not None else 50)
            return st.one_of(in_range, ints)
        if kind == "number":
            return st.one_of(st.floats(allow_nan=False, allow_infinity=False), ints)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        if kind == "string":
            if schema.get("format") == "date":
                return st.one_of(st.sampled_from(NASTY_DATES), texts)
            if schema.get("format") == "date-time":
                return st.one_of(st.sampled_from([d + "T08:00:00+07:00" for d in NASTY_DATES]), texts)
            if schema.get("format") == "binary":
                return uploads
            return texts
        if kind == "array":
            if depth > 3:
                return st.just([])
            return st.lists(self._value(schema.get("items", {}), depth + 1), max_size=3)
        if kind == "object" or "properties" in schema:
            if depth > 3:
                return st.just({})
            props = schema.get("properties", {})
            required = set(schema.get("required", []))
            return st.fixed_dictionaries(
                {k: self._value(v, depth + 1) for k, v in props.items() if k in required},
                optional={k: self._value(v, depth + 1) for k, v in props.items() if k not in required})
        return st.one_of(texts, ints, st.none())


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


uploads = st.builds(_upload, st.sampled_from(["van-ban.pdf", "Tờ trình số 5.pdf", "a\x00b.pdf", "x.exe"]),
                    st.sampled_from([tiny_pdf(), b"", b"%PDF-1.7 broken", b"\x00" * 64]))


def _operations() -> list[tuple[str, str, dict]]:
    from lienthong.api import api

    document = api.get_openapi_schema()
    ops = [(method.upper(), path, op) for path, item in document["paths"].items()
           for method, op in item.items() if method in {"get", "post", "put", "patch", "delete"}]
    return ops


SCHEMA_DOCUMENT = None


def _schema() -> Schema:
    global SCHEMA_DOCUMENT
    if SCHEMA_DOCUMENT is None:
        from lienthong.api import api

        SCHEMA_DOCUMENT = Schema(api.get_openapi_schema())
    return SCHEMA_DOCUMENT


OPERATIONS = _operations()


@pytest.fixture
def api_client(db):
    province = make_province()
    AssessmentAuthority.objects.create(agency=province.agencies["vp"], kind=AuthorityKind.OFFICE)
    response = Client().post("/api/auth/token", json.dumps({"username": "clerk.vp", "password": PASSWORD}),
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _request(schema: Schema, method: str, path: str, op: dict, data) -> tuple[str, dict]:
    """A draw of path, query and body for one operation: (url, keyword arguments of Client.generic/post)."""
    url, query = path, []
    for param in op.get("parameters", []):
        value = data.draw(schema.value(param.get("schema", {})), label=f"{param['in']}:{param['name']}")
        if param["in"] == "path":
            url = url.replace("{" + param["name"] + "}", quote(_as_text(value) or "0", safe=""))
        elif param["in"] == "query" and value is not None:
            for item in value if isinstance(value, list) else [value]:
                query.append((param["name"], _as_text(item)))
    if query:
        url += "?" + urlencode(query)
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = data.draw(schema.value(content["application/json"]["schema"]), label="json")
        return url, {"data": json.dumps(body), "content_type": "application/json"}
    if "multipart/form-data" in content:
        body = data.draw(schema._value(content["multipart/form-data"]["schema"], 0), label="form")
        form = {}
        for key, value in body.items():
            if isinstance(value, list):
                form[key] = [v if isinstance(v, SimpleUploadedFile) else _as_text(v) for v in value]
            elif value is not None:
                form[key] = value if isinstance(value, SimpleUploadedFile) else _as_text(value)
        return url, {"data": form, "multipart": True}
    return url, {}


def _send(client: Client, method: str, url: str, kwargs: dict):
    if kwargs.pop("multipart", False):
        for value in kwargs["data"].values():  # uploads are read once per request; hypothesis may reuse them
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, SimpleUploadedFile):
                    item.seek(0)
        return client.generic(method, url, **_multipart(kwargs["data"])) if method != "POST" else \
            client.post(url, kwargs["data"])
    if "data" in kwargs:
        return client.generic(method, url, kwargs["data"], content_type=kwargs["content_type"])
    return client.generic(method, url)


def _multipart(form: dict) -> dict:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, form), "content_type": MULTIPART_CONTENT}


# One field at a time: every parameter and top-level body field (and the items of a top-level list) gets each
# value of its kind that once broke something, the other fields left plausible, so that one odd value is
# not hidden behind another field's validation error.
ODD_BY_KIND = {
    "integer": [2**63, 2**70, -(2**63) - 1, int("9" * 400), 0, -1],
    "string": ["a\x00b", "x" * 5000, "9999-12", "9" * 400, "ư" * 1500, "9999-12-31", "0000-00"],
    "date": ["9999-12-31", "0001-01-01", "2018-02-30"],
    "other": ["\x00", str(2**70)],
}


def _kind(schema: Schema, field: dict) -> tuple[str, bool]:
    """("integer" | "string" | "date" | "binary" | "other", is_list) of a field, through anyOf/null."""
    field = schema.resolve(field)
    options = [schema.resolve(o) for o in field.get("anyOf", [field])]
    options = [o for o in options if o.get("type") != "null"] or options
    first = options[0]
    if first.get("type") == "array":
        return _kind(schema, first.get("items", {}))[0], True
    if first.get("format") == "binary":
        return "binary", False
    if first.get("format") == "date":
        return "date", False
    if "enum" in first:
        return "other", False
    return first.get("type") if first.get("type") in {"integer", "string"} else "other", False


def _plausible(schema: Schema, field: dict):
    kind, many = _kind(schema, field)
    value = {"integer": 1, "string": "Văn bản thử", "date": "2018-03-05",
             "binary": _upload("van-ban.pdf", tiny_pdf())}.get(kind)
    resolved = schema.resolve(field)
    if "enum" in resolved:
        value = resolved["enum"][0]
    return [value] if many else value


def _mutations(schema: Schema, op: dict):
    """(description, path params, query, body) with one odd value each; body None when the operation has none."""
    params = op.get("parameters", [])
    content = op.get("requestBody", {}).get("content", {})
    media = next(iter(content), None)
    body_schema = schema.resolve(content[media]["schema"]) if media else {}
    required = set(body_schema.get("required", []))
    base_path = {p["name"]: _plausible(schema, p["schema"]) for p in params if p["in"] == "path"}
    base_query = {p["name"]: _plausible(schema, p["schema"]) for p in params
                  if p["in"] == "query" and p.get("required")}
    base_body = {k: _plausible(schema, v) for k, v in body_schema.get("properties", {}).items() if k in required}
    fields = [("path", p["name"], p["schema"]) for p in params if p["in"] == "path"]
    fields += [("query", p["name"], p["schema"]) for p in params if p["in"] == "query"]
    fields += [("body", k, v) for k, v in body_schema.get("properties", {}).items()]
    for where, name, field in fields:
        kind, many = _kind(schema, field)
        for odd in ODD_BY_KIND.get(kind, []) + (ODD_BY_KIND["other"] if kind in {"integer", "date"} else []):
            path, query, body = dict(base_path), dict(base_query), dict(base_body) if media else None
            target = {"path": path, "query": query, "body": body}[where]
            target[name] = [odd] if many else odd
            yield f"{where}:{name}={str(odd)[:20]!r}", path, query, body, media


def _build(path: str, path_values: dict, query: dict, body, media) -> tuple[str, dict]:
    url = path
    for name, value in path_values.items():
        url = url.replace("{" + name + "}", quote(_as_text(value) or "0", safe=""))
    pairs = [(k, _as_text(item)) for k, v in query.items() if v is not None
             for item in (v if isinstance(v, list) else [v])]
    if pairs:
        url += "?" + urlencode(pairs)
    if media == "application/json":
        return url, {"data": json.dumps(body), "content_type": "application/json"}
    if media == "multipart/form-data":
        form = {k: (v if isinstance(v, SimpleUploadedFile) else
                    [i if isinstance(i, SimpleUploadedFile) else _as_text(i) for i in v] if isinstance(v, list)
                    else _as_text(v)) for k, v in body.items() if v is not None}
        return url, {"data": form, "multipart": True}
    return url, {}


def _check(response, method, url, kwargs):
    shown = {k: (v if k != "data" else repr(v)[:300]) for k, v in kwargs.items()}
    assert response.status_code < 500, (method, url[:300], shown, response.content[:500])
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert body.get("code") and body.get("message"), body  # the API's error shape, with a message


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _o in OPERATIONS])
def test_no_api_request_is_answered_with_a_server_error(api_client, method, path, op):
    schema = _schema()
    for _what, path_values, query, body, media in _mutations(schema, op):
        url, kwargs = _build(path, path_values, query, body, media)
        response = _send(api_client, method, url, dict(kwargs))
        _check(response, method, url, kwargs)

    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def random_requests(data):
        url, kwargs = _request(schema, method, path, op, data)
        _check(_send(api_client, method, url, dict(kwargs)), method, url, kwargs)

    random_requests()


# --- Web pages: query strings and path ids -------------------------------------------------------------

# Each a query string of its own, so that one refused value does not hide another behind a form error.
ODD_QUERIES = [
    {k: str(2**70) for k in ("page", "agency", "agency_id", "volume", "i", "lien-quan", "campaign", "unit", "year",
                            "signer", "procedure", "criterion", "group", "level")},
    {k: "\x00" for k in ("q", "page", "agency", "direction", "status", "sort", "month_from", "month_to", "year",
                         "level", "group", "from", "to", "queue", "tab")},
    {"month_from": "9999-12", "month_to": "9999-12", "from": "9999-12-31", "to": "9999-12-31", "year": "9999",
     "date_from": "9999-12-31", "date_to": "9999-12-31", "month": "9999-12"},
    {"month_from": "0001-01", "month_to": "0001-01", "from": "0001-01-01", "to": "0001-01-01", "year": "1",
     "date_from": "0001-01-01", "date_to": "0001-01-01", "month": "0001-01"},
    {"max_overdue": "9" * 400, "min_active": "9" * 400, "min_electronic": "1e309", "min_signed": "-1e309",
     "page": "9" * 400, "year": "9" * 400, "agency": "9" * 400},
    {"page": "-1", "q": "x" * 3000, "agency": "abc", "year": "0", "%00": "%00"},
]


def _page_addresses() -> list[tuple[str, str]]:
    """(name, address) for every page of the site, its int/str parts filled with 2^70 / a short word."""
    out = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(("api/", "quan-tri/", "i18n/")):
                    continue
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith("^"):
                    continue
                address = re.sub(r"<int:[^>]+>", str(2**70), route)
                address = re.sub(r"<(?:str|slug):[^>]+>", "khong-co", address)
                address = re.sub(r"<path:[^>]+>", "khong/co", address)
                if "<" in address:
                    continue
                out.append((p.name or route, "/" + address))
    walk(get_resolver().url_patterns, "")
    return sorted(set(out))


PAGES = _page_addresses()


@pytest.fixture
def web_client(db):
    province = make_province()
    AssessmentAuthority.objects.create(agency=province.agencies["vp"], kind=AuthorityKind.OFFICE)
    heartbeat_beat()  # the worker is running: /readyz is 200, and a 503 there would be a real failure
    client = Client()
    client.force_login(province.users["clerk.vp"])
    return client


def test_odd_query_strings_and_huge_path_ids_on_every_page_are_never_a_server_error(web_client):
    failures = []
    for name, address in PAGES:
        for query in ODD_QUERIES:
            response = web_client.get(f"{address}?{urlencode(query)}")
            if response.status_code >= 500:
                failures.append((name, address, str(query)[:80], response.status_code))
    assert not failures, failures


JSON_BODY_OPERATIONS = [(m, p, o) for m, p, o in OPERATIONS
                        if "application/json" in o.get("requestBody", {}).get("content", {})]


def test_a_form_sent_where_json_is_expected_is_refused_in_vietnamese_not_a_server_error(api_client):
    """A form (multipart, as a browser or ``curl -F`` sends, or url-encoded) to an operation that reads a JSON
    body: Django had already consumed a multipart body reading the form, and the operation answered 500 ("You
    cannot access body after reading from request's data stream"). It is refused with the API's error shape:
    415 and what to send instead for a multipart body, 400 for a url-encoded one (not JSON)."""
    from lienthong.api import JSON_BODY_EXPECTED

    assert JSON_BODY_EXPECTED and len(JSON_BODY_OPERATIONS) > 20
    for method, path, op in JSON_BODY_OPERATIONS:
        url = path
        for param in op.get("parameters", []):
            if param["in"] == "path":
                plausible = "8f0e3b1c-0000-4000-8000-000000000001" if param["schema"].get("format") == "uuid" else "1"
                url = url.replace("{" + param["name"] + "}", plausible)
        response = api_client.generic(method, url, **_multipart({"form": "sao-y", "x": "1"}))
        _check(response, method, url, {})
        if method == "POST":  # Django reads a form body for POST only; another method's body stays unparsed JSON
            assert (response.status_code, response.json()["message"]) == (415, str(JSON_BODY_EXPECTED)), url
        else:
            assert response.status_code == 400, (method, url, response.status_code)
        response = api_client.generic(method, url, "form=sao-y&x=1", content_type="application/x-www-form-urlencoded")
        _check(response, method, url, {})
        assert response.status_code == 400, (method, url, response.status_code)
