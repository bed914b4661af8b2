from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lienthong.backups.services import BackupRefused, backup_check, backup_restore


class Command(BaseCommand):
    help = ("Restore a backup written by `backup` onto an EMPTY database and an EMPTY storage, after checking the "
            "dump, the manifest and every copied file against their SHA-256. --check-only checks and stops.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", type=Path, required=True, help="The backup folder.")
        parser.add_argument("--jobs", type=int, default=4,
                            help="pg_restore jobs and threads checking and copying files (default 4).")
        parser.add_argument("--check-only", action="store_true",
                            help="Only check the backup's integrity; touch neither database nor storage.")

    def handle(self, *args, source, jobs, check_only, verbosity, **options):
        log = self.stdout.write if verbosity else (lambda _line: None)
        try:
            if check_only:
                header = backup_check(source, jobs=jobs, log=log)
                self.stdout.write(f"Backup {source} is intact: {header['vendor']} dump, "
                                  f"{header['manifest']['entries']} stored objects, created {header['created_at']}")
                return
            outcome = backup_restore(source, jobs=jobs, log=log)
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        header = outcome.header
        for problem in outcome.problems:
            self.stderr.write(f"already wrong at backup time: {problem}")
        self.stdout.write(f"Restored {source} (created {header['created_at']}, version {header['app_version']}): "
                          f"{sum(header['counts'].values())} rows in {len(header['counts'])} tables, "
                          f"{header['manifest']['entries']} stored objects, "
                          f"{outcome.seconds:.1f} s. Run verify_files and verify_audit next.")
