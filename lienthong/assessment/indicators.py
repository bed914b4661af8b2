"""Keys of the automatic indicators a criterion can take its value from (``source: indicator:<key>``).

One registry shared by the usage dashboard and the ranking; how each is computed from the platform's
records is written in ``docs/indicators.md``. ``kind`` says what a value is: ``ratio`` (0–1),
``count`` (whole number ≥ 0) or ``days`` (number ≥ 0).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    kind: str  # "ratio" | "count" | "days"


_ROWS = (
    # Document system (this platform)
    ("documents_issued", "Số văn bản ban hành (đi)", "count"),
    ("documents_received", "Số văn bản đến", "count"),
    ("e_doc_share", "Tỷ lệ văn bản đi gửi hoàn toàn dưới dạng điện tử (liên thông)", "ratio"),
    ("digital_sign_valid_share", "Tỷ lệ văn bản ban hành là văn bản điện tử ký số hợp lệ", "ratio"),
    ("received_signed_valid_share", "Tỷ lệ văn bản đến có chữ ký số hợp lệ", "ratio"),
    ("e_case_share", "Tỷ lệ văn bản đến được xử lý (phân công, giải quyết) trên hệ thống", "ratio"),
    ("on_time_share", "Tỷ lệ nhiệm vụ xử lý văn bản hoàn thành đúng hạn", "ratio"),
    ("overdue_items", "Số nhiệm vụ xử lý văn bản đang quá hạn", "count"),
    ("median_processing_days", "Thời gian xử lý văn bản đến (trung vị, ngày)", "days"),
    ("active_user_share", "Tỷ lệ tài khoản có đăng nhập trong kỳ", "ratio"),
    ("filed_share", "Tỷ lệ văn bản được đưa vào hồ sơ điện tử (lập hồ sơ)", "ratio"),
    ("unused_accounts", "Số tài khoản không đăng nhập trong kỳ", "count"),
    ("task_on_time_share", "Tỷ lệ nhiệm vụ được giao (theo văn bản chỉ đạo) hoàn thành đúng hạn", "ratio"),
    ("commune_coverage", "Tỷ lệ UBND cấp xã trực thuộc sử dụng hệ thống quản lý văn bản", "ratio"),
    # Online public services (catalogue and dossier counts imported from the one-stop system)
    ("dvc_level3_share", "Tỷ lệ TTHC có DVCTT mức độ 3 (một phần)", "ratio"),
    ("dvc_level4_share", "Tỷ lệ TTHC có DVCTT mức độ 4 (toàn trình)", "ratio"),
    ("dvc_service_usage_share", "Tỷ lệ DVCTT có phát sinh hồ sơ trực tuyến", "ratio"),
    ("dvc_online_dossier_share", "Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến", "ratio"),
    ("dvc_on_time_dossier_share", "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "ratio"),
    ("commune_online_dossier_share", "Tỷ lệ hồ sơ TTHC cấp xã tiếp nhận trực tuyến", "ratio"),
)

INDICATORS: dict[str, Indicator] = {key: Indicator(key, label, kind) for key, label, kind in _ROWS}
