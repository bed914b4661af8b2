"""Sign a draft's step with a key held on this computer (a USB token's role), through the API.

    python -m lienthong.signing.client --url https://vanban.example.gov.vn --username leader.huyen \\
        --draft 42 --step sign --p12 chu-ky.p12

Asks for the password and the PIN (or reads LIENTHONG_PASSWORD / LIENTHONG_PIN), then:

1. ``POST /api/auth/token`` → a bearer token;
2. ``POST /api/signing/remote/prepare`` ``{draft_id, step}`` → for each file the DER signed attributes;
3. signs each with the local key (RSA PKCS#1 v1.5 / ECDSA, SHA-256 over the signed attributes) —
   the step a real USB token or the government signing plugin performs;
4. ``POST /api/signing/remote/{session}/finish`` ``{signatures_b64}`` → the draft moves on.

Only the standard library and ``cryptography`` (for the PKCS#12 file): no Django.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import json
import os
import sys
import urllib.error
import urllib.request

# What the client says (plain strings: the client loads no Django, so no translation; the tests use these
# constants rather than copies of the text).
BAD_PIN_OR_FILE = "Mã PIN không đúng hoặc tệp không phải PKCS#12."
NOT_THE_REGISTERED_CERTIFICATE = "Chứng thư trong tệp .p12 không phải chứng thư số đã đăng ký trên hệ thống."
FINISHED = "Hoàn tất. Dự thảo {id}: {state}"


class ClientError(Exception):
    """The server refused (its Vietnamese message) or the local key could not sign."""


def _call(url: str, path: str, body: dict, token: str | None = None, timeout: float = 60) -> dict:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url.rstrip("/") + path, data=json.dumps(body).encode("utf-8"),  # noqa: S310
                                     headers=headers, method="POST")  # (the user's server, as for urlopen below)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the user's server)
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            payload = json.loads(exc.read().decode("utf-8"))
            message = payload.get("message") or str(exc)
        except (ValueError, AttributeError):
            message = str(exc)
        raise ClientError(f"{exc.code}: {message}") from None
    except urllib.error.URLError as exc:
        raise ClientError(f"Không kết nối được máy chủ: {exc.reason}") from None


def load_key(p12: bytes, pin: str):
    """The private key and certificate (DER) of a PKCS#12 file."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(p12, pin.encode("utf-8") if pin else None)
    except ValueError:
        raise ClientError(BAD_PIN_OR_FILE) from None
    if key is None or cert is None:
        raise ClientError("Tệp PKCS#12 không có khóa hoặc chứng thư.")
    return key, cert.public_bytes(serialization.Encoding.DER)


def sign_attributes(key, signed_attributes: bytes) -> bytes:
    """What the token does: a SHA-256 signature over the DER signed attributes."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(signed_attributes, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(signed_attributes, ec.ECDSA(hashes.SHA256()))
    raise ClientError("Loại khóa không được hỗ trợ (chỉ RSA, ECDSA).")


def run(*, url: str, username: str, password: str, draft: int, step: str, p12: bytes, pin: str,
        issue: bool = False, out=None) -> dict:
    """The whole exchange; returns the draft as the server answers it after the step."""
    out = out or sys.stdout
    key, cert_der = load_key(p12, pin)
    token = _call(url, "/api/auth/token", {"username": username, "password": password})["token"]
    prepared = _call(url, "/api/signing/remote/prepare", {"draft_id": draft, "step": step}, token)
    if base64.b64decode(prepared["certificate_b64"]) != cert_der:
        raise ClientError(NOT_THE_REGISTERED_CERTIFICATE)
    signatures = []
    for f in prepared["files"]:
        signatures.append(base64.b64encode(
            sign_attributes(key, base64.b64decode(f["signed_attributes_b64"]))).decode("ascii"))
        print(f"Đã ký: {f['filename']}", file=out)
    result = _call(url, f"/api/signing/remote/{prepared['session']}/finish",
                   {"signatures_b64": signatures, "issue": issue}, token)
    print(FINISHED.format(id=result.get("id"), state=result.get("state_label", result.get("state"))), file=out)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lienthong.signing.client",
                                     description="Ký số một bước của dự thảo bằng khóa trên máy này (thay USB token).")
    parser.add_argument("--url", required=True, help="Địa chỉ máy chủ Liên Thông, ví dụ https://vanban.example.gov.vn")
    parser.add_argument("--username", required=True)
    parser.add_argument("--draft", required=True, type=int, help="Mã dự thảo")
    parser.add_argument("--step", choices=["sign", "seal"], default="sign",
                        help="sign: người có thẩm quyền ký; seal: văn thư ký số cơ quan")
    parser.add_argument("--p12", required=True, help="Tệp khóa PKCS#12 (.p12, .pfx)")
    parser.add_argument("--issue", action="store_true", help="Bước seal: phát hành ngay sau khi ký")
    args = parser.parse_args(argv)
    password = os.environ.get("LIENTHONG_PASSWORD") or getpass.getpass("Mật khẩu: ")
    pin = os.environ.get("LIENTHONG_PIN") or getpass.getpass("Mã PIN ký số: ")
    try:
        with open(args.p12, "rb") as fh:
            p12 = fh.read()
        run(url=args.url, username=args.username, password=password, draft=args.draft, step=args.step, p12=p12,
            pin=pin, issue=args.issue)
    except (ClientError, OSError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
