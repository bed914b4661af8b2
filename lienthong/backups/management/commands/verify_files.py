from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from lienthong.backups.selectors import verify_stored_files

COUNTS = _("Đã kiểm tra %(checked)s tệp: %(ok)s khớp, %(missing)s bị thiếu, %(changed)s đã thay đổi, "
           "%(without_hash)s không có SHA-256 ghi lại (chỉ kiểm tra kích thước).")
FAILED = _("Kho tệp có %(missing)s tệp bị thiếu và %(changed)s tệp đã thay đổi.")


class Command(BaseCommand):
    help = ("Check every stored file against the SHA-256 and size its row records (streamed, on threads); exit "
            "non-zero on any missing or changed file.")

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=8, help="Threads reading and hashing (default 8).")
        parser.add_argument("--show", type=int, default=20, help="How many problems to print (default 20).")

    def handle(self, *args, jobs, show, verbosity, **options):
        progress = None
        if verbosity > 1:
            def progress(report):
                self.stdout.write(f"… {report.checked} checked")
        report = verify_stored_files(jobs=jobs, keep=show, progress=progress)
        for problem in report.problems:
            self.stderr.write(f"{problem.kind}: {problem.name}" + (f" ({problem.detail})" if problem.detail else ""))
        counts = {"checked": report.checked, "ok": report.ok, "missing": report.missing, "changed": report.changed,
                  "without_hash": report.without_hash}
        self.stdout.write(str(COUNTS % counts))
        if report.failed:
            raise CommandError(str(FAILED % counts))
