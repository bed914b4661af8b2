from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lienthong.audit.services import AuditCheckpointRefused, audit_checkpoint_write


class Command(BaseCommand):
    help = ("Write a signed checkpoint of the audit chains (head hash and length of every chain) to a new file; "
            "the daily job does the same.")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint-dir", type=Path, default=None,
                            help="Folder of the checkpoints (default: LIENTHONG_AUDIT_CHECKPOINT_DIR)")
        parser.add_argument("--email", action="store_true", default=None,
                            help="Also mail the checkpoint to the system administrators")

    def handle(self, *args, **options):
        try:
            path = audit_checkpoint_write(directory=options["checkpoint_dir"], email=options["email"])
        except AuditCheckpointRefused as exc:
            for p in exc.problems:
                self.stderr.write(f"{p.chain} #{p.seq}: {p.reason}")
            raise CommandError(f"No checkpoint written: {len(exc.problems)} problem(s) in the audit log") from exc
        self.stdout.write(f"Checkpoint written: {path}")
