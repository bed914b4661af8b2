"""Background jobs of the reports app (django-q2): thin, take an id, call the service."""


def run_build(build_id: int) -> None:
    from lienthong.reports.services import report_build_run

    report_build_run(build_id=build_id)
