#!/usr/bin/env python
"""Benchmark: signing a Decree 30 document twice (leader, then agency) and verifying it (issue 4).

Side by side in the same run, on the same demo PDF, with the same images at the same positions:

(a) bare pyHanko: ``IncrementalPdfFileWriter`` + ``append_signature_field`` + ``PdfSigner`` with a
    ``StaticStampStyle`` image, for the leader's signature and then the agency's (positions computed once,
    before the clock starts), and ``validate_pdf_signature`` on both signatures;
(b) Liên Thông: ``signing.pades.sign_personal`` + ``signing.pades.sign_agency`` (which also locate the name line,
    create and fill the number/date form fields with the rescaled stamp font) and the verification
    (``signing.verification.verify_pdf`` when it exists, otherwise the same pyHanko validation).

``verify_pdf`` reads PDF hex strings (the signatures' /Contents) with its own fast reader while it runs and
restores pyHanko's afterwards, so (a) measures pyHanko as installed. The CPU time of the verification is
printed too, with the load average: other processes on the machine show in the wall-clock p95.

Iterations alternate (a) and (b) so that both see the same machine state; one warm-up round is not counted.
Prints a Markdown table: metric, target, bare pyHanko p50/p95, Liên Thông p50/p95, overhead (p50).

Usage:  .venv/bin/python bench/signing.py [--iterations 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402, F401  (the checkout on sys.path; database, media and var as the application takes them)

SIGNER_NAME = "Nguyễn Văn An"
SIGNER_POSITION = "Phó Chủ tịch"
AGENCY_NAME = "Ủy ban nhân dân tỉnh Quảng Ngãi"
NUMBER = "125/TB-UBND"
ISSUED_ON = dt.date(2026, 11, 26)
SIGNATURE_MM, SEAL_MM = 40, 36


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def demo_pdf() -> bytes:
    from lienthong.demo.pdf import PdfContent, render_pdf, signer_lines

    return render_pdf(PdfContent(
        header_parent="", header_name="ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", number_symbol="      /TB-UBND",
        place="Quảng Ngãi", issued_on=ISSUED_ON, type_code="thong-bao",
        subject="Về việc tổ chức Hội nghị tổng kết công tác văn thư, lưu trữ năm 2026",
        body=["Ủy ban nhân dân tỉnh thông báo lịch tổ chức Hội nghị tổng kết công tác văn thư, lưu trữ năm 2026 "
              "để các cơ quan, đơn vị biết, thực hiện.",
              "Thời gian: 07 giờ 30 phút, ngày 05 tháng 12 năm 2026. Địa điểm: Hội trường Ủy ban nhân dân tỉnh.",
              "Đề nghị các cơ quan, đơn vị cử đại biểu tham dự đúng thành phần./."],
        recipients_text="- Các sở, ban, ngành;\n- UBND các xã, phường;\n- Lưu: VT, VP.",
        signer_lines=signer_lines(authority="KT.", position=SIGNER_POSITION, collective="Ủy ban nhân dân",
                                  head_title="Chủ tịch"),
        signer_name=SIGNER_NAME, date_text="Quảng Ngãi, ngày      tháng      năm 2026"))


def signer_of(issued):
    from asn1crypto import keys
    from asn1crypto import x509 as ax
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_der = issued.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
    return signers.SimpleSigner(signing_cert=ax.Certificate.load(issued.der),
                                signing_key=keys.PrivateKeyInfo.load(key_der),
                                cert_registry=SimpleCertificateStore.from_certs(
                                    [ax.Certificate.load(c.der) for c in issued.chain]))


class Bare:
    """Two visible signatures and their validation with direct pyHanko calls."""

    def __init__(self, personal_box, seal_box, root_der, ca_der):
        self.personal_box, self.seal_box = personal_box, seal_box
        self.root_der, self.ca_der = root_der, ca_der

    @staticmethod
    def _sign(data, signer, png, box, name):
        from PIL import Image
        from pyhanko.pdf_utils.images import PdfImage
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
        from pyhanko.sign import fields
        from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
        from pyhanko.stamp import StaticStampStyle

        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=name, on_page=box.page,
                                                                  box=box.rect()))
        style = StaticStampStyle(background=PdfImage(Image.open(io.BytesIO(png))), border_width=0,
                                 background_opacity=1.0,
                                 background_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MID,
                                                                       y_align=AxisAlignment.ALIGN_MID,
                                                                       margins=Margins.uniform(0)))
        meta = PdfSignatureMetadata(field_name=name, md_algorithm="sha256",
                                    subfilter=fields.SigSeedSubFilter.PADES)
        return PdfSigner(meta, signer=signer, stamp_style=style).sign_pdf(
            writer, existing_fields_only=True, bytes_reserved=16384).getvalue()

    def sign_personal(self, data, signer, png):
        return self._sign(data, signer, png, self.personal_box, "Sig1")

    def sign_agency(self, data, signer, png):
        return self._sign(data, signer, png, self.seal_box, "Sig2")

    def verify(self, data):
        return pyhanko_verify(data, self.root_der, self.ca_der)


def pyhanko_verify(data, root_der, ca_der) -> bool:
    from asn1crypto import x509 as ax
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data))
    ok = True
    for sig in reader.embedded_signatures:
        context = ValidationContext(trust_roots=[ax.Certificate.load(root_der)],
                                    other_certs=[ax.Certificate.load(ca_der)], allow_fetching=False,
                                    revocation_mode="soft-fail")
        ok = validate_pdf_signature(sig, context).bottom_line and ok
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from lienthong.signing import pades, pki
    from lienthong.signing.pades import images

    try:
        from lienthong.signing.verification import verify_pdf
    except ImportError:
        verify_pdf = None

    t0 = time.perf_counter()
    data = demo_pdf()
    root = pki.make_root()
    ca = pki.make_intermediate(root, "CA chuyên dùng (thử nghiệm)")
    person = pki.make_end_entity(ca, SIGNER_NAME, organisation=AGENCY_NAME, uid="CCCD:001085000123")
    agency = pki.make_end_entity(ca, AGENCY_NAME, organisation=AGENCY_NAME)
    person_signer, agency_signer = signer_of(person), signer_of(agency)
    signature_png = images.signature_image(SIGNER_NAME)
    seal_png = images.seal_image(AGENCY_NAME, diameter_mm=SEAL_MM)
    from lienthong.signing.pades.fonts import stamp_font_path

    stamp_font_path(), stamp_font_path(italic=True)
    print(f"set-up (demo PDF, PKI, images, stamp fonts): {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    # positions for the bare run: the same boxes Liên Thông computes, computed once outside the clock
    personally = pades.sign_personal(data, signer=person_signer, image_png=signature_png,
                                     image_width_mm=SIGNATURE_MM, signer_name=SIGNER_NAME,
                                     signer_position=SIGNER_POSITION)
    reader = pades.layout.pdf_reader(personally)
    page, (px0, py0, px1, py1) = pades.signatures._personal_widget(reader)
    seal_w = SEAL_MM * pades.MM
    seal_x1 = px0 + (px1 - px0) / 3
    cy = (py0 + py1) / 2
    bare = Bare(pades.Box(page, px0, py0, px1, py1),
                pades.Box(page, seal_x1 - seal_w, cy - seal_w / 2, seal_x1, cy + seal_w / 2), root.der, ca.der)

    def liên_thông_verify(signed: bytes) -> bool:
        if verify_pdf is None:
            return pyhanko_verify(signed, root.der, ca.der)
        report = verify_pdf(signed, trust_roots=[root.der], intermediates=[ca.der], crls=[])
        return getattr(report, "status", "") == "valid"

    load_before = os.getloadavg()[0]
    timings = {key: [] for key in ("bare_personal", "bare_agency", "bare_both", "bare_verify",
                                   "lt_personal", "lt_agency", "lt_both", "lt_verify", "bare_verify_cpu",
                                   "lt_verify_cpu")}
    for round_ in range(args.iterations + 1):
        t = time.perf_counter()
        one = bare.sign_personal(data, person_signer, signature_png)
        t1 = time.perf_counter()
        two = bare.sign_agency(one, agency_signer, seal_png)
        t2 = time.perf_counter()
        c2 = time.process_time()
        ok_bare = bare.verify(two)
        t3 = time.perf_counter()
        c3 = time.process_time()
        lt_one = pades.sign_personal(data, signer=person_signer, image_png=signature_png,
                                     image_width_mm=SIGNATURE_MM, signer_name=SIGNER_NAME,
                                     signer_position=SIGNER_POSITION)
        t4 = time.perf_counter()
        lt_two = pades.sign_agency(lt_one, signer=agency_signer, seal_png=seal_png, seal_width_mm=SEAL_MM,
                                   number_symbol=NUMBER, issued_on=ISSUED_ON)
        t5 = time.perf_counter()
        c5 = time.process_time()
        ok_lt = liên_thông_verify(lt_two)
        t6 = time.perf_counter()
        c6 = time.process_time()
        if not (ok_bare and ok_lt):
            raise SystemExit(f"verification failed: bare={ok_bare} liên thông={ok_lt}")
        if round_ == 0:
            continue  # warm-up
        for key, value in (("bare_personal", t1 - t), ("bare_agency", t2 - t1), ("bare_both", t2 - t),
                           ("bare_verify", t3 - t2), ("lt_personal", t4 - t3), ("lt_agency", t5 - t4),
                           ("lt_both", t5 - t3), ("lt_verify", t6 - t5), ("bare_verify_cpu", c3 - c2),
                           ("lt_verify_cpu", c6 - c5)):
            timings[key].append(value * 1000)

    rows = [
        ("sign: leader's visible signature", "lt_personal", "bare_personal", "overhead ≤ 20 %"),
        ("sign: number/date + agency seal signature", "lt_agency", "bare_agency", "overhead ≤ 20 %"),
        ("sign: both signatures (visible)", "lt_both", "bare_both", "overhead ≤ 20 %"),
        ("verify: two-signature PDF", "lt_verify", "bare_verify", "p95 ≤ 150 ms"),
    ]
    print(f"\nSigning benchmark — {args.iterations} iterations, {dt.date.today()}, "
          f"verification: {'signing.verification.verify_pdf' if verify_pdf else 'pyHanko validate_pdf_signature'}\n")
    print("| metric | target | bare pyHanko p50 / p95 (ms) | Liên Thông p50 / p95 (ms) | overhead (p50) | met |")
    print("|---|---|---|---|---|---|")
    for label, lt_key, bare_key, target in rows:
        lt, br = timings[lt_key], timings[bare_key]
        lt50, lt95, b50, b95 = statistics.median(lt), percentile(lt, 95), statistics.median(br), percentile(br, 95)
        overhead = (lt50 / b50 - 1) * 100
        met = lt95 <= 150 if target.startswith("p95") else overhead <= 20
        print(f"| {label} | {target} | {b50:.0f} / {b95:.0f} | {lt50:.0f} / {lt95:.0f} | {overhead:+.0f} % | "
              f"{'yes' if met else 'NO'} |")
    cpu = {k: (statistics.median(timings[k]), percentile(timings[k], 95)) for k in ("bare_verify_cpu", "lt_verify_cpu")}
    print(f"\nverify, CPU time of the process (less sensitive to other load) p50 / p95: bare pyHanko "
          f"{cpu['bare_verify_cpu'][0]:.0f} / {cpu['bare_verify_cpu'][1]:.0f} ms, Liên Thông "
          f"{cpu['lt_verify_cpu'][0]:.0f} / {cpu['lt_verify_cpu'][1]:.0f} ms; load average before / after: "
          f"{load_before:.2f} / {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    print(f"\nPDF sizes: original {len(data) / 1024:.0f} KB, bare two signatures {len(two) / 1024:.0f} KB, "
          f"Liên Thông two signatures {len(lt_two) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
