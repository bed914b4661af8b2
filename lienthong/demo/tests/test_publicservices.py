from lienthong.demo.publicservices import ensure_demo_catalogue
from lienthong.publicservices.models import OnlineLevel, Procedure, ProcedureMonth


def test_the_demo_catalogue_is_plausible_deterministic_and_made_once(province):
    made = ensure_demo_catalogue()
    stttt = province.agencies["stttt"]  # a department of the "so-nganh" group with a pool of its own
    first = sorted(Procedure.objects.filter(agency=stttt).values_list("code", "name", "online_level"))
    assert made == len(first) == 5
    assert {level for _c, _n, level in first} <= {"2", "3", "4"}  # the levels of 2017
    assert ProcedureMonth.objects.filter(procedure__agency=stttt).count() == 5 * 14
    assert not ProcedureMonth.objects.filter(online__gt=0).exclude(
        online_level__in=[OnlineLevel.LEVEL_3, OnlineLevel.LEVEL_4]).exists()
    assert ensure_demo_catalogue() == 0
    Procedure.objects.all().delete()
    assert ensure_demo_catalogue() == made
    assert sorted(Procedure.objects.filter(agency=stttt).values_list("code", "name", "online_level")) == first
