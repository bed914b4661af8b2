"""The Vietnamese messages of the edXML library, defined once (tests import them).

This package must not import Django, so the strings are marked with a no-op ``_`` that ``makemessages`` still
extracts; ``EdxmlError.template`` keeps the unformatted msgid and ``EdxmlError.params`` its values, so the Django
side can show it translated: ``gettext(err.template).format(**err.params)``."""

from __future__ import annotations


def _(message: str) -> str:  # marker for makemessages; translation happens on the Django side
    return message


# Reading the bytes
NOT_UTF8 = _("Gói tin phải được mã hóa UTF-8 (khai báo: {encoding}).")
EMPTY = _("Gói tin rỗng.")
TOO_LARGE = _("Gói tin quá lớn: {size} byte, tối đa {limit} byte.")
DOCTYPE_REFUSED = _("Gói tin có khai báo DOCTYPE/ENTITY: không được chấp nhận (nguy cơ XXE).")
XML_SYNTAX = _("XML không hợp lệ (dòng {line}, cột {column}): {detail}")
XML_NAMESPACE = _("XML sai không gian tên (dòng {line}): {detail}")
TOO_DEEP = _("XML lồng quá sâu: hơn {limit} cấp.")
TOO_MANY_ELEMENTS = _("XML có quá nhiều phần tử: hơn {limit}.")
TEXT_TOO_LONG = _("Nội dung một phần tử quá dài (tối đa 10 MB mỗi phần tử, dòng {line}).")
JSON_INVALID = _("JSON không hợp lệ: {detail}")
NOT_EDXML = _("Không phải gói tin edXML: phần tử gốc là {root}.")

# Structure and values
MISSING = _("Thiếu phần tử bắt buộc.")
EMPTY_VALUE = _("Phần tử bắt buộc không có giá trị.")
NOT_INTEGER = _("Giá trị phải là số nguyên, nhận được “{value}”.")
OUT_OF_RANGE = _("Giá trị {value} nằm ngoài các giá trị cho phép ({allowed}).")
TOO_LONG = _("Dài {length} ký tự, tối đa {limit}.")
NOT_DIGITS = _("Số văn bản chỉ gồm chữ số, nhận được “{value}”.")
BAD_DOCUMENT_ID = _("Mã văn bản phải có dạng “mã cơ quan,yyyy/MM/dd,số/ký hiệu”, nhận được “{value}”.")
DUPLICATE_RECIPIENT = _("Nơi nhận {organ_id} bị lặp.")
DUPLICATE_CONTENT_ID = _("Mã tệp đính kèm {content_id} bị lặp.")
INVALID_CHARACTER = _("Có ký tự không được phép trong XML.")
NO_RECIPIENT = _("Gói tin văn bản phải có ít nhất một nơi nhận.")
NO_TRACE = _("Phải có ít nhất một TraceHeader (hệ thống gửi và thời điểm gửi).")
UNKNOWN_STATUS_CODE = _("Mã trạng thái {value} không thuộc QCVN 102 ({allowed}).")

# Attachments
TOO_MANY_ATTACHMENTS = _("Quá nhiều tệp đính kèm: {count}, tối đa {limit}.")
ATTACHMENT_NOT_FOUND = _("Tệp đính kèm {content_id} khai báo trong danh mục nhưng không có trong gói tin.")
BAD_BASE64 = _("Nội dung tệp đính kèm không phải base64 hợp lệ.")
ATTACHMENT_TOO_LARGE = _("Tệp đính kèm quá lớn: hơn {limit} byte.")
ATTACHMENTS_TOO_LARGE = _("Tổng dung lượng tệp đính kèm quá lớn: hơn {limit} byte.")
ZIP_DAMAGED = _("Tệp nén của tệp đính kèm bị hỏng: {detail}")
ZIP_TOO_MANY_ENTRIES = _("Tệp nén có quá nhiều mục: {count}, tối đa {limit}.")
ZIP_ENCRYPTED = _("Tệp nén được mã hóa bằng mật khẩu: không đọc được.")
ZIP_METHOD = _("Tệp nén dùng phương thức nén không hỗ trợ ({method}).")
ZIP_RATIO = _("Tỷ lệ nén bất thường ({ratio}:1, tối đa {limit}:1): nghi là bom nén.")
