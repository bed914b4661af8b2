from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lienthong.backups.services import BackupRefused, backup_create


class Command(BaseCommand):
    help = ("Write a consistent backup into an empty folder: the database dump, a manifest of every stored file "
            "(SHA-256, size), the files themselves when the storage is the local folder, the audit checkpoints.")

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, required=True, help="A new or empty folder.")
        parser.add_argument("--jobs", type=int, default=8, help="Threads copying and hashing files (default 8).")

    def handle(self, *args, to, jobs, verbosity, **options):
        log = self.stdout.write if verbosity else (lambda _line: None)
        try:
            outcome = backup_create(to, jobs=jobs, log=log)
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        header = outcome.header
        self.stdout.write(f"Backup written to {outcome.folder}: {header['vendor']} dump "
                          f"({header['dump']['size']} bytes), {header['manifest']['entries']} stored objects "
                          f"({header['manifest']['bytes']} bytes, "
                          f"{'copied' if header['files_copied'] else 'manifest only: object store'}), "
                          f"{header['audit_checkpoints']} audit checkpoints, "
                          f"{outcome.seconds:.1f} s")
        if outcome.problems:
            for problem in outcome.problems:
                self.stderr.write(f"at backup time: {problem}")
            raise CommandError(f"The storage did not hold what the rows record for {len(outcome.problems)} or more "
                               "object(s); the backup is complete and lists them (run verify_files)")
