from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lienthong.audit.services import audit_verify_report


class Command(BaseCommand):
    help = ("Recompute the audit log's keyed hash chains, compare them with the latest signed checkpoint and "
            "report any tampering.")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint-dir", type=Path, default=None,
                            help="Read checkpoints from this folder instead of LIENTHONG_AUDIT_CHECKPOINT_DIR "
                                 "(e.g. the copy kept off the machine).")

    def handle(self, *args, **options):
        report = audit_verify_report(checkpoint_dir=options["checkpoint_dir"])
        for p in report.problems:
            self.stderr.write(f"{p.chain} #{p.seq}: {p.reason}")
        if report.checkpoint:
            cp = report.checkpoint
            self.stdout.write(f"Compared with checkpoint {cp.name} (created {cp.created_at}, "
                              f"{len(cp.chains)} chains, {cp.entries} entries)")
        else:
            self.stdout.write("No valid checkpoint found: truncated or deleted chains cannot be detected "
                              "(run manage.py audit_checkpoint)")
        if report.legacy:
            self.stdout.write(f"{report.legacy} legacy entries are hashed without a key (sha256-legacy): "
                              "anyone with database access could rewrite them undetected")
        if report.problems:
            raise CommandError(f"Audit log tampered: {len(report.problems)} problem(s) in {report.checked} entries")
        self.stdout.write(f"Audit log intact: {report.checked} entries checked")
