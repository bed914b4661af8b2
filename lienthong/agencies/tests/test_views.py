import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from lienthong.accounts.services import user_create
from lienthong.agencies.importexport import COLUMNS, ONLY_SYSTEM_ADMINS_IMPORT, PARENT_UNKNOWN
from lienthong.agencies.models import AdministrativeLevel, Agency
from lienthong.agencies.services import CODE_BAD_SHAPE
from lienthong.agencies.tests.test_importexport import as_row_problem
from lienthong.agencies.views import IMPORTED
from lienthong.testing.builders import PASSWORD, make_agency

DIRECTORY = reverse("agencies:directory")
IMPORT = reverse("agencies:import")


@pytest.fixture
def admin_client(client, province):
    client.force_login(user_create(username="quantri", password=PASSWORD, full_name="Quản trị",
                                   is_system_admin=True))
    return client


def names(response) -> list[str]:
    return [a.name for a in response.context["page"]]


def upload(name: str, rows) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows([COLUMNS, *rows])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def test_directory_shows_the_tree_with_depth(clerk_client, province):
    response = clerk_client.get(DIRECTORY)

    assert response.status_code == 200
    assert names(response) == [
        "Ủy ban nhân dân tỉnh Hậu Giang", "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang",
        "Sở Thông tin và Truyền thông tỉnh Hậu Giang", "Ủy ban nhân dân huyện Vị Thủy", "Ủy ban nhân dân xã Vị Thắng",
    ]
    assert [a.depth for a in response.context["page"]] == [0, 1, 1, 1, 2]
    html = response.content.decode()
    assert "Danh mục cơ quan" in html and reverse("agencies:export_csv") in html
    assert IMPORT not in html  # only administrators see the import link


@pytest.mark.parametrize("params, expected", [
    ({"q": "vi thuy"}, ["Ủy ban nhân dân huyện Vị Thủy"]),
    ({"q": "VĂN PHÒNG"}, ["Văn phòng Ủy ban nhân dân tỉnh Hậu Giang"]),
    ({"level": "xa"}, ["Ủy ban nhân dân xã Vị Thắng"]),
    ({"group": "so-nganh"},
     ["Văn phòng Ủy ban nhân dân tỉnh Hậu Giang", "Sở Thông tin và Truyền thông tỉnh Hậu Giang"]),
    ({"scope": "external"}, ["Bộ Nội vụ"]),
    ({"scope": "internal", "q": "ủy ban nhân dân x"}, ["Ủy ban nhân dân xã Vị Thắng"]),
])
def test_directory_filters(clerk_client, province, params, expected):
    make_agency("Bộ Nội vụ", "BNV", AdministrativeLevel.objects.get(code="tinh"), external=True)

    response = clerk_client.get(DIRECTORY, params)

    assert names(response) == expected


def test_directory_query_count_does_not_grow_with_agencies(clerk_client, province, django_assert_max_num_queries):
    clerk_client.get(DIRECTORY)  # warm-up
    # session, user, count, levels, groups, the page of agencies, and the session save (3)
    with django_assert_max_num_queries(9) as small:
        clerk_client.get(DIRECTORY, {"scope": "internal"})
    level = AdministrativeLevel.objects.get(code="xa")
    for i in range(30):
        make_agency(f"Ủy ban nhân dân xã số {i}", "UBND", level, parent=province.agencies["huyen"],
                    code=f"{i + 100:03d}.21.35.H30")
    with django_assert_max_num_queries(9) as large:
        response = clerk_client.get(DIRECTORY, {"scope": "internal"})
    assert len(response.context["page"]) == 35
    assert len(large.captured_queries) == len(small.captured_queries)


def test_exports_download_as_files(clerk_client, province):
    csv_response = clerk_client.get(reverse("agencies:export_csv"))
    xlsx_response = clerk_client.get(reverse("agencies:export_xlsx"))

    assert csv_response["Content-Disposition"] == 'attachment; filename="danh-muc-co-quan.csv"'
    assert csv_response.content.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    assert xlsx_response.content.startswith(b"PK")


@pytest.mark.parametrize("method", ["get", "post"])
def test_import_is_forbidden_to_everyone_but_system_administrators(clerk_client, province, method):
    before = Agency.objects.count()
    row = ["000.00.40.H30", "Sở Nội vụ", "", "SNV", "tinh", "", "", "", "0", "1", "1"]
    data = {"file": upload("co-quan.csv", [row])}

    response = getattr(clerk_client, method)(IMPORT, data if method == "post" else None)

    assert response.status_code == 403
    assert str(ONLY_SYSTEM_ADMINS_IMPORT) in response.content.decode()
    assert Agency.objects.count() == before


def test_import_page_reports_each_bad_row_and_imports_nothing(admin_client, province):
    before = Agency.objects.count()
    bad = upload("co-quan.csv", [
        ["000.00.40.H30", "Sở Nội vụ", "", "SNV", "tinh", "", "000.00.00.H30", "", "0", "1", "1"],
        ["00.00.41.H30", "Sở Y tế", "", "SYT", "tinh", "", "000.00.00.H30", "", "0", "1", "1"],
        ["000.00.42.H30", "Sở Tài chính", "", "STC", "tinh", "", "000.00.77.H30", "", "0", "1", "1"],
    ])

    response = admin_client.post(IMPORT, {"file": bad})

    assert response.status_code == 422
    assert [(p.row, p.message) for p in response.context["problems"]] == [
        (3, as_row_problem(CODE_BAD_SHAPE % {"c": "00.00.41.H30"})),
        (4, PARENT_UNKNOWN % {"c": "000.00.77.H30"}),
    ]
    assert "Chưa nhập gì: tệp có lỗi" in response.content.decode()  # the page's heading
    assert Agency.objects.count() == before


def test_import_page_accepts_an_xlsx_whatever_its_name(admin_client, province):
    wb = Workbook()
    wb.active.append(COLUMNS)
    wb.active.append(["000.00.40.H30", "Sở Nội vụ tỉnh Hậu Giang", "Sở Nội vụ", "SNV", "tinh", "so-nganh",
                      "000.00.00.H30", "Hậu Giang", 0, 1, 1])
    content = io.BytesIO()
    wb.save(content)

    response = admin_client.post(IMPORT, {"file": SimpleUploadedFile("danh-muc.csv", content.getvalue())}, follow=True)

    assert response.redirect_chain[-1][0] == DIRECTORY
    assert IMPORTED % {"c": 1, "u": 0, "s": 0} in response.content.decode()
    agency = Agency.objects.get(identifier_code="000.00.40.H30")
    assert agency.parent == province.agencies["ubnd"] and agency.group.code == "so-nganh"
