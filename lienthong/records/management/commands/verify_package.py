from django.core.management.base import BaseCommand, CommandError

from lienthong.records.packages import verify_package


class Command(BaseCommand):
    help = ("Check a case file's export package (a folder or a ZIP) without the database: every file listed in "
            "manifest-sha256.txt present with its SHA-256, nothing unlisted, hoso.xml consistent with itself "
            "and the manifest. Exit status 0 when the package is intact.")
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("location", help="The package's folder, or its ZIP file")

    def handle(self, *args, **options):
        report = verify_package(options["location"])
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
